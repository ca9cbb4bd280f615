// Runs the CLI compiled by `npm test` (into build/, or $WARDEN_TEST_OUT); bin/warden.js runs the one in dist/.
const out = process.env.WARDEN_TEST_OUT ?? 'build';
const { main } = await import(new URL(`../../${out}/src/cli/main.js`, import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
