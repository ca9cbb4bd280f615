// Runs the CLI compiled into build/ by `npm test` (bin/warden.js runs the one in dist/).
const { main } = await import(new URL('../../build/src/cli/main.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
