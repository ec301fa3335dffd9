// Preloaded (`--import`) into an API process started for a CPU profile: SIGUSR2 exits
// normally, so `--cpu-prof` writes its profile (a signal's default action would not). The app
// itself handles SIGTERM by re-raising it after shutdown, which also skips the profile.
process.on('SIGUSR2', () => process.exit(0));
