import 'uplot/dist/uPlot.min.css';
import './globals.css';
import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { Providers } from '../components/Providers';
import { publicApiUrl } from '../lib/api-url';

export const metadata: Metadata = {
  title: { default: 'Basin', template: '%s · Basin' },
  description: 'What is being transferred in transfer learning: studies, runs and analyses.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // read the API address per request, so one build serves any deployment
  await connection();
  const url = publicApiUrl();
  return (
    <html lang="en">
      <body>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <header className="top">
          <Link href="/" className="brand">
            Basin
          </Link>
          <nav aria-label="Main">
            <Link href="/">Studies</Link>
            <Link href="/compare">Compare runs</Link>
            <Link href="/launch">Start work</Link>
          </nav>
        </header>
        <Providers apiUrl={url}>
          <main id="main" data-api-url={url}>
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
