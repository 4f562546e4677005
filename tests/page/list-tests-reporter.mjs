// A node:test reporter that prints one JSON line per finished test or suite:
//   { file, name, nesting, suite, skip, todo, ok }
// tests/page/js-suites.test.mjs runs node --test with it (and a name pattern nothing matches) to
// list the tests node --test finds in each suite file, without running them.
export default async function* listTests(source) {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { file, name, nesting, skip, todo, details } = event.data;
    yield `${JSON.stringify({ file, name, nesting, suite: details?.type === "suite", skip: Boolean(skip), todo: Boolean(todo), ok: event.type === "test:pass" })}\n`;
  }
}
