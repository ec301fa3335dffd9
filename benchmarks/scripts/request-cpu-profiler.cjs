/**
 * Preloaded (`--require`) into the API by request-cpu.mjs --profile: a CPU profile of the
 * measured requests only, not of start-up (PGlite's start-up would drown the request path).
 * Over the IPC channel: `start` starts the profiler; `stop <label>` stops it, writes
 * `<dir>/<label>.cpuprofile` and answers `stopped`. (Not signals: SIGUSR1 is Node's inspector's.)
 */
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.REQUEST_CPU_PROFILE_DIR;
if (dir !== undefined && process.send !== undefined) {
  const session = new Session();
  session.connect();
  // The channel must not keep the API alive, nor change how it shuts down.
  process.channel?.unref();
  process.on('message', (message) => {
    if (message === 'start') {
      session.post('Profiler.enable', () => session.post('Profiler.start', () => process.send('started')));
    } else if (typeof message === 'string' && message.startsWith('stop ')) {
      session.post('Profiler.stop', (error, result) => {
        if (error) throw error;
        writeFileSync(join(dir, `${message.slice(5)}.cpuprofile`), JSON.stringify(result.profile));
        process.send('stopped');
      });
    }
  });
}
