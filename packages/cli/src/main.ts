export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`basin: ${argv.join(' ')}\n`);
  return 0;
}
