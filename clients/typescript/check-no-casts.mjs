// Counts what would let a program disagree with the generated types without the compiler noticing:
// `as` casts (bar `as const`), `<T>x` assertions, non-null `!`, the `any` type, and @ts- comments.
// Exits 1 when src/release.ts has any.
import fs from "node:fs";
import ts from "typescript";

const file = process.argv[2] ?? "src/release.ts";
const text = fs.readFileSync(file, "utf8");
const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
const found = [];
const at = (node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
(function visit(node) {
  if (ts.isAsExpression(node) && node.type.getText() !== "const") found.push(`${at(node)} cast: ${node.getText()}`);
  if (ts.isTypeAssertionExpression(node)) found.push(`${at(node)} assertion: ${node.getText()}`);
  if (ts.isNonNullExpression(node)) found.push(`${at(node)} non-null assertion: ${node.getText()}`);
  if (node.kind === ts.SyntaxKind.AnyKeyword) found.push(`${at(node)} any`);
  ts.forEachChild(node, visit);
})(source);
for (const match of text.matchAll(/@ts-(ignore|expect-error|nocheck)/g)) found.push(`${file}: @ts-${match[1]}`);
for (const line of found) console.log(line);
console.log(`${file}: ${found.length} casts, assertions or any`);
process.exit(found.length === 0 ? 0 : 1);
