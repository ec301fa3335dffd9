// Preloaded (`--import`) by startup-time.mjs into every Node process `npm start` spawns. Only
// the API emits `authbench:*` performance marks; this writes them, with the moment the process
// began and the moment this preload ran (≈ the end of Node's own boot), to the file named by
// AUTHBENCH_STARTUP_MARKS, one JSON line per mark. It never touches stdout, the app's output.
import { appendFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const file = process.env.AUTHBENCH_STARTUP_MARKS;
if (file !== undefined && file !== '') {
  const origin = performance.timeOrigin;
  const preloadAt = origin + performance.now();
  let first = true;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.name.startsWith('authbench:')) continue;
      if (first) {
        first = false;
        appendFileSync(file, `${JSON.stringify({ pid: process.pid, name: 'process', at: origin })}\n`);
        appendFileSync(file, `${JSON.stringify({ pid: process.pid, name: 'preload', at: preloadAt })}\n`);
      }
      appendFileSync(
        file,
        `${JSON.stringify({ pid: process.pid, name: entry.name, at: origin + entry.startTime })}\n`,
      );
    }
  });
  observer.observe({ type: 'mark' });
}
