/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core (never a browser download).
 * Starts Basin on a fresh database, builds a small study through the API, opens every page, asserts on what a
 * person would see, watches a running fine-tune's chart gain points through the `runProgress` subscription, checks
 * that a shared compare URL restores its selection, and saves a screenshot of each page in e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  createEventBus,
  createTestDatabase,
  type EventBus,
  ingestMetrics,
  type TestDatabase,
} from '@basin/db';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type BasinProcess, freePort, killAll, ROOT, runBasin, waitUntil } from './harness';
import { curve, graphqlClient, type SeededStudy, STUDY_SETUP, seedScaleStudy, seedStudy } from './web-seed';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const ARTIFACTS = join(ROOT, 'e2e/artifacts');
/** How the study page words the API's verdicts. */
const VERDICT_TEXT: Record<string, string> = {
  HOLDS: '✓ holds',
  DOES_NOT_HOLD: '✗ does not hold',
  INCONCLUSIVE: '? inconclusive',
  NOT_MEASURED: 'not measured yet',
};
const escapeRe = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const cssString = (x: string) => JSON.stringify(x);

after(killAll);

async function ok(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

describe('the dashboard in Chromium', {
  skip: !existsSync(CHROMIUM) && !process.env.CI && `no ${CHROMIUM} (run .ci/setup-browser)`,
}, () => {
  let db: TestDatabase;
  let basin: BasinProcess;
  let bus: EventBus;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let web = '';
  let api = '';
  let s: SeededStudy;
  /** What the browser reported as errors (React hydration mismatches, uncaught exceptions). */
  const consoleErrors: string[] = [];

  const shot = async (name: string, p: Page = page) => {
    await p.screenshot({ path: join(ARTIFACTS, `web-${name}.png`), fullPage: true });
  };
  const open = async (path: string, p: Page = page) => {
    await p.goto(`${web}${path}`, { waitUntil: 'domcontentloaded' });
  };
  const text = async (selector: string, p: Page = page) => {
    const l = p.locator(selector).first();
    await l.waitFor({ state: 'visible', timeout: 20_000 });
    // innerText, not textContent: what a person reads, with table cells and lines apart
    // biome-ignore lint/performance/useDomNodeTextContent: see above
    return (await l.innerText()).replace(/\s+/g, ' ');
  };

  /** Waits until the element's text matches (views keep showing old data while new data loads). */
  const eventually = async (selector: string, pattern: RegExp, p: Page = page) => {
    let last = '';
    await waitUntil(
      async () => {
        last = await text(selector, p);
        return pattern.test(last);
      },
      15_000,
      `${selector} to match ${pattern}; it reads: ${last}`,
    );
  };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase();
    const apiPort = await freePort();
    const webPort = await freePort();
    api = `http://localhost:${apiPort}/graphql`;
    web = `http://localhost:${webPort}`;
    basin = runBasin(['start', '--no-study', '--runners', '0'], {
      DATABASE_URL: db.url,
      BASIN_AUTH: 'off',
      BASIN_HOME: mkdtempSync(join(tmpdir(), 'basin-web-e2e-')),
      API_PORT: String(apiPort),
      WEB_PORT: String(webPort),
    });
    await waitUntil(() => ok(`http://localhost:${apiPort}/healthz`), 90_000, 'the API is healthy');
    s = await seedStudy(graphqlClient(api), db.sql);
    bus = createEventBus(db.sql);
    // the first start may build the dashboard (a minute on two cores)
    await waitUntil(() => ok(`${web}/`), 240_000, `the dashboard answers on ${web}\n${basin.output()}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    context.on('page', (p) => watch(p));
    page = await context.newPage();
  });

  const watch = (p: Page) => {
    p.on('pageerror', (e) => consoleErrors.push(`${p.url()}: ${e.message}`));
    p.on('console', (m) => {
      // a 404 from a missing id is the point of the error-state test, not a bug
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
        consoleErrors.push(`${p.url()}: ${m.text()}`);
    });
  };

  after(async () => {
    await browser?.close();
    await bus?.close();
    if (basin && basin.child.exitCode === null) {
      basin.child.kill('SIGINT');
      await basin.exited(40_000).catch(() => undefined);
    }
    await db?.close();
  });

  test('studies list: server-rendered, with the study; a new study opens on its empty state', async () => {
    const html = await (await fetch(`${web}/`)).text();
    assert.match(html, /Fashion-MNIST → MNIST \(e2e\)/, 'the list comes with the HTML (server-rendered)');
    assert.match(
      html,
      // basin start hands the dashboard the address the API is bound to (loopback: 127.0.0.1)
      new RegExp(`data-api-url="${api.replace('localhost', '127.0.0.1').replaceAll('.', '\\.')}"`),
      'the API URL is rendered at request time',
    );
    await open('/');
    await page.getByRole('heading', { name: 'Studies' }).waitFor();
    assert.match(
      await text('table'),
      /Fashion-MNIST → MNIST \(e2e\).*Does pretraining on Fashion-MNIST help MNIST/,
    );
    await shot('studies');

    // the page is server-rendered: "New study" answers once React has hydrated it, so click until the form opens
    // (a click that lands before hydration does nothing; the button is gone once the form is open)
    const create = page.getByRole('button', { name: 'Create study' });
    await waitUntil(
      async () => {
        if (await create.isVisible()) return true;
        const button = page.getByRole('button', { name: 'New study' });
        if (await button.isVisible()) await button.click();
        return create.isVisible();
      },
      20_000,
      'the new-study form to open',
    );
    await create.click();
    assert.match(await text('#study-name-err'), /Give the study a name/, 'validated before sending');
    await page.getByLabel('Name').fill('Empty study (e2e)');
    await page.getByRole('button', { name: 'Create study' }).click();
    await page.waitForURL(/\/studies\/\d+$/);
    await page.getByRole('heading', { name: 'Empty study (e2e)' }).waitFor();
    // nothing fine-tuned: the API has no target to judge the claims on, and the page says what to start
    assert.match(await text('[data-findings-empty]'), /Nothing measured yet\..*Start it →/);
    assert.match(await text('.state.empty'), /No runs in this study yet\..*Start a fine-tune/);
    await shot('study-empty');
  });

  test('study page answers the paper’s questions with numbers that link to their details', async () => {
    const html = await (await fetch(`${web}/studies/${s.studyId}`)).text();
    assert.match(
      html,
      /final test accuracy P-T 96\.8% ± 0\.4 vs RI-T 90\.5% ± 0\.7/,
      'the findings come with the HTML (server-rendered)',
    );
    await open(`/studies/${s.studyId}`);
    await page.getByRole('heading', { name: s.studyName }).waitFor();
    await page.getByRole('heading', { name: 'Target: MNIST (small)' }).waitFor();
    const card = (claimId: string) => `[data-finding="${claimId}:MNIST (small)"]`;
    assert.match(
      await text(card('pt-final')),
      /✓ holds final test accuracy P-T 96\.8% ± 0\.4 vs RI-T 90\.5% ± 0\.7 \(\+6\.\d points; 2 seeds.*Criterion: P-T − RI-T ≥ −1 point/,
    );
    assert.match(await text(card('cka')), /mean CKA over modules P-T\/P-T 0\.860 vs RI-T\/RI-T 0\.450/);
    assert.match(await text(card('distance')), /ℓ2 P-T\/P-T 4\.20 vs RI-T\/RI-T 61\.5/);
    assert.match(
      await text('[data-table="cka:MNIST (small)"]'),
      /CKA per module \(Table 1\).*conv1 0\.960 0\.550 0\.450/,
    );
    const runs = await text('table[aria-labelledby="runs"]');
    for (const name of ['pretrain fashion', 'P-T seed 0', 'RI-T seed 1', 'P-T seed 2'])
      assert.ok(runs.includes(name), name);
    assert.match(runs, /P-T seed 2 P-T MNIST \(small\) none 2 running/);
    await shot('study');
    await page.locator(card('cka')).getByRole('link', { name: 'See the details →' }).click();
    await page.waitForURL(new RegExp(`/analyses/${s.analyses.CKA}$`));
    await open(`/studies/${s.studyId}`);
    await page.locator(card('pt-final')).getByRole('link', { name: 'See the details →' }).click();
    await page.waitForURL(
      (u) =>
        u.pathname === '/compare' &&
        u.searchParams.get('runs') === [...s.ptRuns, ...s.ritRuns].join(',') &&
        u.searchParams.get('group') === 'INIT',
    );
  });

  test('study page shows every finding and table the API computed (the fields the CLI prints), by target', async () => {
    type Api = {
      study: {
        config: { setup?: string };
        findings: { target: string; claim: string; measured: string; verdict: string }[];
        findingsTables: { title: string; target: string }[];
      };
    };
    const { study } = await graphqlClient(api)<Api>(
      `query($id: ID!) { study(id: $id) { config findings { target claim measured verdict } findingsTables { title target } } }`,
      { id: s.studyId },
    );
    const measured = study.findings.filter((f) => f.verdict !== 'NOT_MEASURED');
    assert.deepEqual([...new Set(study.findings.map((f) => f.target))], ['MNIST (small)']);
    assert.equal(measured.length, study.findings.length, 'the seed measures every claim');
    assert.ok(new Set(measured.map((f) => f.verdict)).size > 1, 'more than one kind of verdict');
    assert.ok(study.findingsTables.length >= 8, `${study.findingsTables.length} tables`);

    await open(`/studies/${s.studyId}`);
    await page.getByRole('heading', { name: s.studyName }).waitFor();
    for (const f of study.findings) {
      const section = page.locator(`section[data-target=${cssString(f.target)}]`);
      assert.match(
        await text(`section[data-target=${cssString(f.target)}] > h3`),
        new RegExp(escapeRe(f.target)),
      );
      const card = section.locator('.finding').filter({ hasText: new RegExp(`^${escapeRe(f.claim)}`) });
      assert.equal(await card.count(), 1, `one card for “${f.claim}” on ${f.target}`);
      // biome-ignore lint/performance/useDomNodeTextContent: what a person reads
      const shown = (await card.innerText()).replace(/\s+/g, ' ');
      assert.ok(shown.includes(f.measured), `“${f.claim}” shows “${f.measured}”; it reads: ${shown}`);
      assert.ok(
        shown.includes(VERDICT_TEXT[f.verdict]!),
        `“${f.claim}” shows ${f.verdict}; it reads: ${shown}`,
      );
    }
    for (const t of study.findingsTables) {
      const section = page.locator(`section[data-target=${cssString(t.target)}]`);
      const caption = section.locator('table caption').filter({ hasText: t.title });
      assert.equal(await caption.count(), 1, `table “${t.title}” on ${t.target}`);
    }
    assert.equal(study.config.setup, STUDY_SETUP);
    const setup = await text('section.setup');
    for (const part of STUDY_SETUP.split('; ')) assert.ok(setup.includes(part), part);
  });

  test('lineage graph: pretrain → checkpoints → fine-tunes → analyses, every node a link', async () => {
    await open(`/studies/${s.studyId}/lineage`);
    await page.getByRole('heading', { name: 'Lineage' }).waitFor();
    const nodes = page.locator('svg.lineage a[data-node]');
    await nodes.first().waitFor();
    const types = await nodes.evaluateAll((as) => as.map((a) => a.getAttribute('data-node')));
    const count = (t: string) => types.filter((x) => x === t).length;
    assert.equal(count('pretrain'), 1);
    assert.equal(count('pt'), 3);
    assert.equal(count('rit'), 2);
    assert.equal(count('checkpoint'), 3 + 4);
    assert.equal(count('analysis'), 7);
    await shot('lineage');
    // keyboard: focus the pretraining run's box and press Enter
    await page.locator('a[data-node="pretrain"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/runs/${s.pretrainRunId}$`));
    await page.getByRole('heading', { name: 'pretrain fashion' }).waitFor();
  });

  test('run page: a running fine-tune’s chart gains points through the subscription; cancel asks the runner to stop', async () => {
    await open(`/runs/${s.liveRunId}`);
    await page.getByRole('heading', { name: 'P-T seed 2' }).waitFor();
    const header = await text('p.sub');
    assert.match(header, /P-T fine-tune · running · backend wasm/);
    const chart = page.locator('figure[data-chart="loss"] .chart');
    await chart.waitFor();
    const points = async () => Number(await chart.getAttribute('data-points'));
    await waitUntil(async () => (await points()) === s.liveSteps, 10_000, 'the fetched points are drawn');
    await page.evaluate(() => {
      (globalThis as unknown as { e2eMark: number }).e2eMark = 1;
    });
    // the runner's side, as gpu-runner does it: write the metrics, then announce them
    let step = s.liveSteps;
    const progress = async () => {
      step += 1;
      const pts = curve(step, 0.96, 5, step);
      await ingestMetrics(db.sql, s.liveRunId, pts);
      await bus.publish({
        type: 'run.progress',
        studyId: s.studyId,
        runId: s.liveRunId,
        step,
        epoch: step / 50,
        metrics: Object.fromEntries(pts.map((p) => [p.key, p.value])),
      });
    };
    await waitUntil(
      async () => {
        await progress();
        await new Promise((r) => setTimeout(r, 150));
        return (await points()) > s.liveSteps;
      },
      30_000,
      'a progress event reaches the chart',
    );
    for (let i = 0; i < 5; i++) await progress();
    await waitUntil(async () => (await points()) === step, 10_000, `the chart shows all ${step} steps`);
    assert.match(await text('[data-live-events]'), new RegExp(`Live: step ${step}, epoch`));
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { e2eMark?: number }).e2eMark),
      1,
      'no reload',
    );
    assert.match(await text('.kv'), /Started from pretrain fashion at epoch 3/);
    assert.match(
      await text('table[aria-labelledby="checkpoints"], .state.empty'),
      /No checkpoints saved yet|#/,
    );
    await shot('run-live');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('button', { name: 'Cancel requested' }).waitFor();
    const { run } = await graphqlClient(api)<{ run: { cancelRequestedAt: string | null } }>(
      `query($id: ID!) { run(id: $id) { cancelRequestedAt } }`,
      { id: s.liveRunId },
    );
    assert.ok(run.cancelRequestedAt, 'the API recorded the cancel request');

    await open(`/runs/${s.ptRuns[0]}`);
    await page.getByRole('heading', { name: 'P-T seed 0' }).waitFor();
    assert.match(await text('p.sub'), /succeeded · backend wasm · test accuracy 97\.0%/);
    await page.locator('figure[data-chart="acc"] .chart canvas').waitFor();
    assert.match(await text('table[aria-labelledby="checkpoints"]'), /#\d+ 3 200 test\/acc 0\.97/);
    assert.match(await text('dl.kv >> nth=1'), /learningRate 0\.01/);
    await shot('run');
  });

  test('compare: groups with bands, spikes kept, and a shared URL restores the selection', async () => {
    const ids = [...s.ptRuns, ...s.ritRuns];
    const url = `/compare?runs=${ids.join(',')}&key=test/acc&group=INIT`;
    await open(url);
    assert.match(await text('figure[data-chart="compare"] h3'), /test\/acc · 4 runs in 2 groups/);
    await shot('compare-grouped');

    // a colleague opens the shared link in a fresh tab
    const other = await context.newPage();
    await open(url, other);
    await other.locator('figure[data-chart="compare"]').waitFor();
    for (const id of ids)
      assert.ok(await other.locator(`input[data-run="${id}"]`).isChecked(), `run ${id} ticked`);
    assert.ok(await other.getByLabel('init (P-T / RI-T)').isChecked());
    assert.equal(await other.getByLabel('Metric').inputValue(), 'test/acc');
    await other.close();

    // change the selection: the URL follows
    await page.locator(`input[data-run="${s.ritRuns[1]}"]`).uncheck();
    await page.getByLabel('init (P-T / RI-T)').uncheck();
    await page.getByLabel('Metric').fill('train/loss');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((u) => u.search.includes('key=train/loss') && !u.search.includes('group='));
    await eventually('figure[data-chart="compare"] h3', /train\/loss · 3 runs$/);
    const shared = new URL(page.url());
    assert.equal(shared.searchParams.get('runs'), ids.slice(0, 3).join(','));
    // the one-step loss spike of RI-T seed 0 (step 77) is in its max band, as drawn and as exported
    const dl = page.waitForEvent('download');
    await page
      .locator('figure[data-chart="compare"]')
      .getByRole('button', { name: /Download CSV/ })
      .click();
    const csv = readFileSync((await (await dl).path())!, 'utf8');
    const header = csv.split('\r\n')[0]!.split(',');
    const row77 = csv
      .split('\r\n')
      .find((l) => l.startsWith('77,'))!
      .split(',');
    assert.equal(Number(row77[header.indexOf('RI-T seed 0 max')]), 6);
    await shot('compare');
  });

  test('zoom: a window dragged on the compare chart is fetched again, down to every point', async () => {
    const runId = s.ptRuns[0]!;
    const n = 20_000;
    const spikeAt = 12_345;
    await ingestMetrics(
      db.sql,
      runId,
      Array.from({ length: n }, (_, step) => ({
        key: 'train/long',
        step,
        value: step === spikeAt ? 50 : Math.sin(step / 500),
      })),
    );
    await open(`/compare?runs=${runId}&key=train/long`);
    const caption = 'figure[data-chart="compare"] [data-bucket-width]';
    await eventually(caption, /steps 0–19999, 32 steps per bucket/);
    const chart = page.locator('figure[data-chart="compare"] .chart');
    assert.equal(Number(await chart.getAttribute('data-points')), 625, '20,000 steps in 625 buckets of 32');
    // drag across 4 % of the plot, around the spike
    const box = (await page.locator('figure[data-chart="compare"] .u-over').boundingBox())!;
    const at = (f: number) => box.x + box.width * f;
    await page.mouse.move(at(0.6), box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(at(0.64), box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await waitUntil(
      async () => /[?&]from=\d+&to=\d+/.test(page.url()),
      10_000,
      'the window in the address bar',
    );
    const url = new URL(page.url());
    const from = Number(url.searchParams.get('from'));
    const to = Number(url.searchParams.get('to'));
    assert.ok(from > 11_000 && to < 14_000 && to - from < 1000, `window ${from}–${to}`);
    await eventually(caption, new RegExp(`steps ${from}–${to}, every point`));
    await waitUntil(
      async () => Number(await chart.getAttribute('data-points')) === to - from + 1,
      10_000,
      'every point of the window drawn',
    );
    await shot('compare-zoomed');
    // the zoom survives a reload (it is in the URL), and Reset zoom goes back to every step
    await page.reload({ waitUntil: 'domcontentloaded' });
    await eventually(caption, new RegExp(`steps ${from}–${to}, every point`));
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await eventually(caption, /steps 0–19999, 32 steps per bucket/);
  });

  test('compare draws 20 runs × 1,000 steps from two studies, with min/max bands, quickly', async () => {
    const scale = await seedScaleStudy(db.sql, s.teamId, s.modelId, s.mnistId);
    const ids = [...scale.runIds.slice(0, 19), s.ptRuns[0]!];
    const t0 = Date.now();
    await open(`/compare?runs=${ids.join(',')}&key=train/loss`);
    const chart = page.locator('figure[data-chart="compare"] .chart');
    await chart.waitFor({ timeout: 30_000 });
    await waitUntil(
      async () => Number(await chart.getAttribute('data-points')) === 1000,
      30_000,
      '1,000 buckets drawn',
    );
    const ms = Date.now() - t0;
    assert.match(await text('figure[data-chart="compare"] h3'), /train\/loss · 20 runs/);
    assert.match(
      await text('ul[aria-label="Selected runs"]'),
      /scale run 1 \(Scale \(e2e\)\).*P-T seed 0 \(Fashion-MNIST → MNIST \(e2e\)\)/,
    );
    // redrawing 60 series (line + min + max per run) on a resize must stay interactive
    const redraw = await page.evaluate(async () => {
      const g = globalThis as unknown as {
        document: { querySelector(s: string): { style: { width: string } } | null };
        requestAnimationFrame(f: () => void): void;
      };
      const box = g.document.querySelector('figure[data-chart="compare"] .chart');
      const t = performance.now();
      if (box) box.style.width = '700px';
      await new Promise<void>((r) => g.requestAnimationFrame(() => g.requestAnimationFrame(() => r())));
      return performance.now() - t;
    });
    assert.ok(ms < 20_000, `opened in ${ms} ms`);
    assert.ok(redraw < 1000, `redrawn in ${redraw.toFixed(0)} ms`);
    await shot('compare-20-runs');

    // the same study's lineage: 106 boxes, none overlapping, every one a link
    await open(`/studies/${scale.studyId}/lineage`);
    const nodes = page.locator('svg.lineage a[data-node]');
    await nodes.first().waitFor();
    assert.ok((await nodes.count()) >= 100, `${await nodes.count()} nodes`);
    const overlaps = await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: {
          querySelectorAll(
            s: string,
          ): { getBoundingClientRect(): { x: number; y: number; width: number; height: number } }[];
        };
      };
      const boxes = [...g.document.querySelectorAll('svg.lineage a[data-node] rect')].map((r) =>
        r.getBoundingClientRect(),
      );
      let n = 0;
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) n++;
        }
      return n;
    });
    assert.equal(overlaps, 0, 'no two boxes overlap');
    await shot('lineage-100-nodes');
  });

  const views: [string, string, string[]][] = [
    ['CKA', 'CKA', ['cka-heatmap', 'cka-table']],
    ['MISTAKES', 'Mistakes', ['mistakes-matrix', 'mistakes-table']],
    ['PARAM_DISTANCE', 'Parameter distance', ['distance-heatmap']],
    ['BARRIER', 'Performance barrier', ['barrier']],
    ['MODULE_CRITICALITY', 'Module criticality', ['criticality-heatmap', 'criticality-table']],
    ['BLOCK_SHUFFLE', 'Block shuffle', ['block-shuffle']],
    ['CHECKPOINT_SWEEP', 'Checkpoint sweep', ['checkpoint-sweep']],
  ];
  test('analysis views: a figure for each kind, each downloadable as CSV and PNG', async () => {
    for (const [kind, label, figures] of views) {
      await open(`/analyses/${s.analyses[kind]}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(`^${label}`) }).waitFor();
      for (const f of figures) {
        const fig = page.locator(`figure[data-figure="${f}"]`).first();
        await fig.locator('canvas, table').first().waitFor();
        assert.equal(await fig.getByRole('button', { name: /Download CSV/ }).count(), 1, `${kind} ${f} CSV`);
        assert.equal(await fig.getByRole('button', { name: /Download PNG/ }).count(), 1, `${kind} ${f} PNG`);
      }
      await shot(`analysis-${kind.toLowerCase().replace('_', '-')}`);
    }
    await open(`/analyses/${s.analyses.BARRIER}`);
    assert.match(
      await text('figure[data-figure="barrier"] h3'),
      /P-T seed 0 vs P-T seed 1 \(P-T \/ P-T\) — loss barrier 0\.01/,
    );
    await open(`/analyses/${s.analyses.CKA}`);
    const fig = page.locator('figure[data-figure="cka-heatmap"]');
    await fig.locator('canvas').waitFor();
    let dl = page.waitForEvent('download');
    await fig.getByRole('button', { name: /Download CSV/ }).click();
    const csv = readFileSync((await (await dl).path())!, 'utf8');
    assert.match(csv, /^P-T seed 0 \\ P-T seed 1,conv1,layer1\.0,layer2\.0,layer3\.0,fc\r\nconv1,0\.96,/);
    dl = page.waitForEvent('download');
    await fig.getByRole('button', { name: /Download PNG/ }).click();
    const png = readFileSync((await (await dl).path())!);
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
    assert.match(await text('table'), /mean 0\.86 0\.45 0\.35/);
  });

  test('checkpoint page shows its lineage both ways', async () => {
    await open(`/checkpoints/${s.pretrainCheckpoints[2]}`);
    await page.getByRole('heading', { name: /Checkpoint #\d+ · epoch 3/ }).waitFor();
    assert.match(await text('main'), /Fine-tunes started from it P-T seed 0 .*P-T seed 1 .*P-T seed 2/);
    assert.match(await text('main'), /Analyses that took it Module criticality/);
    await shot('checkpoint');
  });

  test('start work: checks before sending, shows the API’s error on its field, then starts the fine-tune', async () => {
    await open(`/launch?study=${s.studyId}`);
    await page.getByRole('heading', { name: 'Start work' }).waitFor();
    await page.getByRole('button', { name: 'Start fine-tune' }).waitFor();
    await page.getByRole('button', { name: 'Start fine-tune' }).click();
    assert.match(await text('#initCheckpointId-err'), /P-T starts from a checkpoint/);
    assert.match(await text('#datasetId-err'), /Choose the target dataset/);
    await shot('launch-invalid');

    await page.locator('#initCheckpointId').selectOption(s.pretrainCheckpoints[2]!);
    await page.locator('#datasetId').selectOption(s.mnistId);
    await page.getByLabel('Block shuffle').fill('5');
    await page.getByRole('button', { name: 'Start fine-tune' }).click();
    assert.match(
      await text('#blockSize-err'),
      /dividing MNIST \(small\)'s 28×28 images/,
      'the API’s own message, in place',
    );
    await shot('launch-api-error');

    await page.getByLabel('Block shuffle').fill('7');
    await page.getByLabel('Name (optional)').fill('P-T blocks 7');
    await page.getByRole('button', { name: 'Start fine-tune' }).click();
    await page.waitForURL(/\/runs\/\d+$/);
    await page.getByRole('heading', { name: 'P-T blocks 7' }).waitFor();
    assert.match(await text('p.sub'), /P-T fine-tune · queued/);

    // a block-shuffle sweep: 8 does not divide 28, which only the API knows
    await open(`/launch?study=${s.studyId}&tab=sweep`);
    await page.locator('#pretrainCheckpointId').selectOption(s.pretrainCheckpoints[2]!);
    await page.locator('#datasetId').selectOption(s.mnistId);
    await page.getByLabel('Block sizes').fill('4, 7x');
    await page.getByRole('button', { name: 'Start sweep' }).click();
    assert.match(await text('#blockSizes-err'), /Block sizes: whole numbers/);
    await page.getByLabel('Block sizes').fill('4, 8');
    await page.getByLabel('Seeds').fill('0');
    await page.getByRole('button', { name: 'Start sweep' }).click();
    assert.match(await text('#blockSizes-err'), /block size dividing MNIST \(small\)'s 28×28 images, got 8/);
    await page.getByLabel('Block sizes').fill('4, 7');
    await page.getByRole('button', { name: 'Start sweep' }).click();
    await page.waitForURL(/\/analyses\/\d+$/);
    await page.getByRole('heading', { level: 1, name: /^Block shuffle/ }).waitFor();
    assert.match(await text('main'), /Waiting for a runner\./);
    // a runner picks it up: status and progress arrive through the study's events, no reload
    const sweepId = /\/analyses\/(\d+)$/.exec(page.url())![1]!;
    await db.sql`update analyses set status = 'RUNNING', started_at = now() where id = ${sweepId}`;
    // the page subscribes once it has loaded: announce until it has heard
    const announce = async (event: Parameters<EventBus['publish']>[0], seen: RegExp) =>
      waitUntil(
        async () => {
          await bus.publish(event);
          await new Promise((r) => setTimeout(r, 200));
          return seen.test(await text('main'));
        },
        20_000,
        `the page shows ${seen}`,
      );
    await announce(
      { type: 'analysis.status', studyId: s.studyId, analysisId: sweepId, status: 'RUNNING' },
      /Running: 0% done\./,
    );
    await announce(
      { type: 'analysis.progress', studyId: s.studyId, analysisId: sweepId, progress: 0.4 },
      /Running: 40% done\./,
    );
    await shot('analysis-running');

    await open(`/launch?study=${s.studyId}&tab=analysis`);
    await page.getByRole('tab', { name: 'Analysis' }).waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Analysis' }).getAttribute('aria-selected'), 'true');
    await page.getByRole('button', { name: 'Run analysis' }).click();
    assert.match(await text('#inputs-err'), /at least two checkpoints/);
    await shot('launch-analysis');
  });

  test('a missing run or analysis says so, with a way to retry', async () => {
    for (const path of ['/runs/999999', '/analyses/999999', '/studies/999999', '/checkpoints/999999']) {
      await open(path);
      const alert = await text('.state.error[role="alert"]');
      assert.match(alert, /Something went wrong\. .*999999/, `${path}: ${alert}`);
      assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 1, path);
    }
    await shot('not-found');
  });

  test('a failed run shows its error', async () => {
    const gql = graphqlClient(api);
    const { startFineTune } = await gql<{ startFineTune: { id: string } }>(
      `mutation($i: StartFineTuneInput!) { startFineTune(input: $i) { id } }`,
      {
        i: { datasetId: s.mnistId, init: 'RANDOM', modelId: s.modelId, seed: 9, name: 'RI-T that diverged' },
      },
    );
    await db.sql`update runs set status = 'FAILED', backend = 'wasm', error = 'loss became NaN at step 3 (learning rate too high?)',
      started_at = created_at, finished_at = now() where id = ${startFineTune.id}`;
    await open(`/runs/${startFineTune.id}`);
    assert.match(await text('.state.error'), /The run failed: loss became NaN at step 3/);
    assert.match(await text('main'), /This run logged no metrics\./);
    assert.equal(await page.getByRole('button', { name: 'Cancel run' }).count(), 0, 'nothing to cancel');
    await shot('run-failed');
  });

  test('every page keeps a readable layout on a laptop screen', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    const pages = [
      ['/', 'table'],
      [`/studies/${s.studyId}`, '[data-finding="pt-final:MNIST (small)"]'],
      [`/studies/${s.studyId}/lineage`, 'svg.lineage'],
      [`/runs/${s.ptRuns[0]}`, 'figure[data-chart="loss"] canvas'],
      [`/compare?runs=${s.ptRuns.join(',')}&key=test/acc`, 'figure[data-chart="compare"] canvas'],
      [`/analyses/${s.analyses.CKA}`, 'figure[data-figure="cka-table"] table'],
      [`/analyses/${s.analyses.MODULE_CRITICALITY}`, 'figure[data-figure="criticality-heatmap"] canvas'],
      [`/launch?study=${s.studyId}`, 'form'],
    ] as const;
    for (const [path, ready] of pages) {
      await open(path);
      await page.locator(ready).first().waitFor();
      const overflow = await page.evaluate(() => {
        const g = globalThis as unknown as {
          document: { documentElement: { scrollWidth: number } };
          innerWidth: number;
        };
        return g.document.documentElement.scrollWidth - g.innerWidth;
      });
      assert.ok(overflow <= 0, `${path}: no horizontal scrolling (${overflow}px too wide)`);
    }
    await open(`/studies/${s.studyId}`);
    await page.locator('[data-finding="pt-final:MNIST (small)"]').waitFor();
    await shot('study-laptop');
  });

  test('the browser reported no errors on any page (no hydration mismatch, no uncaught exception)', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
