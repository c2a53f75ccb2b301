// Generates src/schema.d.ts from Shelf's OpenAPI document with openapi-typescript's Node API.
// The one option: binary bodies (`format: binary`) are `Blob`, as openapi-typescript's docs recommend
// for file uploads and downloads.
import fs from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const [input, output] = process.argv.slice(2);
const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());

const ast = await openapiTS(new URL(input, `file://${process.cwd()}/`), {
  transform(schemaObject) {
    if (schemaObject.format === "binary") {
      return schemaObject.nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
    }
  },
});
fs.mkdirSync(new URL(".", `file://${process.cwd()}/${output}`), { recursive: true });
fs.writeFileSync(output, astToString(ast));
console.log(`wrote ${output}`);
