// A whole release through the generated client: a seller writes a draft, a reviewer approves it, and an
// anonymous visitor finds it in the catalog and gets a quote. No casts, no `any`, no hand-written request.
//
//   SHELF_URL=http://127.0.0.1:8080 SHELF_SELLER_TOKEN=… SHELF_REVIEWER_TOKEN=… node dist/release.js
import { readFile } from "node:fs/promises";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type DraftContent = components["schemas"]["DraftContent"];
type Problem = components["schemas"]["Problem"];

const baseUrl = required("SHELF_URL");
const fixtures = new URL("../../fixtures/", import.meta.url);

const seller = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${required("SHELF_SELLER_TOKEN")}` } });
const reviewer = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${required("SHELF_REVIEWER_TOKEN")}` },
});
const visitor = createClient<paths>({ baseUrl });

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`failed: ${what}`);
  console.log(`ok - ${what}`);
}

/** The data of a successful call, or the problem it answered with, thrown. */
function ok<T>(result: { data?: T; error?: Problem | unknown; response: Response }, what: string): T {
  if (result.data === undefined) {
    throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  console.log(`ok - ${what} (${result.response.status})`);
  return result.data;
}

const content: DraftContent = {
  delivery_method: "professional_service",
  name: "Data Migration Supporting Service",
  version: "V1.0",
  currency: "USD",
  summary: "Move your databases to the cloud with zero data loss.",
  description: "We migrate relational databases to managed cloud services. ".repeat(8),
  highlights: ["Zero downtime cut-over", "Certified engineers"],
  service_flow_template: "standard",
  after_sales: {
    email: "support@example.com",
    hotline: "+86 755 1234 5678",
    hours: "09:00-18:00",
    days: "mon-fri",
    timezone: "+08:00",
  },
  public_sales: true,
};

async function main(): Promise<void> {
  // A reusable price: a tiered pricing template, quoted once.
  const template = ok(
    await seller.POST("/v1/pricing-templates", {
      body: {
        model: "tiered",
        mode: "graduated",
        name: "Person-days, cheaper in bulk",
        currency: "USD",
        tiers: [
          { up_to: 10, unit_amounts: { one_time: 50000 } },
          { up_to: null, unit_amounts: { one_time: 40000 } },
        ],
      },
    }),
    "create a tiered pricing template",
  );
  check(template.model === "tiered", "the template comes back as its tiered variant");
  const templateQuote = ok(
    await seller.POST("/v1/pricing-templates/{id}/quote", {
      params: { path: { id: template.id } },
      body: { quantity: 12, period: "one_time" },
    }),
    "quote the template",
  );
  check(templateQuote.total.amount === 10 * 50000 + 2 * 40000, "graduated: ten at 500.00, two at 400.00");

  // The draft: saved, then completed with a merge patch under If-Match.
  const created = await seller.POST("/v1/drafts", { body: { content } });
  const draft = ok(created, "save a draft");
  const etag = created.response.headers.get("ETag");
  check(etag === `"${draft.version}"`, "the ETag is the draft's version");
  check(created.response.headers.get("Location") === `/v1/drafts/${draft.id}`, "Location names the draft");
  const id = draft.id;

  const patched = ok(
    await seller.PATCH("/v1/drafts/{id}", {
      params: { path: { id }, header: { "If-Match": etag ?? "" } },
      body: {
        content: {
          avg_delivery_days: 10,
          specifications: [
            {
              key: "migration",
              name: "Database migration",
              billing_mode: "one_time",
              pricing: "custom",
              attributes: [
                { code: "edition", name: "Edition", type: "enumeration", values: ["basic", "enterprise"] },
                { code: "person_days", name: "Person-days", type: "quantity", unit: "person-day", min: 1, max: 100, step: 1 },
              ],
              skus: [
                { attributes: { edition: "basic" }, price: { model: "linear", unit_amounts: { one_time: 50000 } } },
                { attributes: { edition: "enterprise" }, price_template_id: template.id },
              ],
            },
          ],
        },
      },
    }),
    "complete the draft with a merge patch",
  );
  check(patched.version === draft.version + 1, "the patch bumped the version");

  // A stale If-Match is 412, read as a problem through the client's error type.
  const stale = await seller.PATCH("/v1/drafts/{id}", {
    params: { path: { id }, header: { "If-Match": etag ?? "" } },
    body: { content: { summary: "A change made from an old copy." } },
  });
  check(stale.response.status === 412 && stale.error?.status === 412, "a stale If-Match is 412 problem+json");

  // Files: the logo and a request template.
  const logo = new Blob([await readFile(new URL("logo.png", fixtures))], { type: "image/png" });
  const stored = ok(
    await seller.PUT("/v1/drafts/{id}/logo", {
      params: { path: { id } },
      body: logo,
      bodySerializer: (body) => body,
      headers: { "Content-Type": "image/png" },
    }),
    "put the logo",
  );
  check(stored.size === logo.size, "the stored logo has the size sent");
  const downloaded = ok(
    await seller.GET("/v1/drafts/{id}/logo", { params: { path: { id } }, parseAs: "blob" }),
    "get the logo back",
  );
  check(downloaded.size === logo.size, "the downloaded logo is the one sent");

  const form = new Blob([await readFile(new URL("order-form.docx", fixtures))]);
  const uploaded = ok(
    await seller.POST("/v1/drafts/{id}/request-templates", {
      params: { path: { id } },
      body: { file: form },
      bodySerializer: (body) => {
        const data = new FormData();
        data.append("file", body.file, "Order form.docx");
        return data;
      },
    }),
    "upload a request template",
  );
  check(uploaded.filename === "Order form.docx", "the template keeps its file name");

  // Release requirements, then submission.
  const report = ok(await seller.POST("/v1/drafts/{id}/validate", { params: { path: { id } } }), "validate");
  check(report.ready, `the draft is ready (${JSON.stringify(report.violations)})`);
  const application = ok(
    await seller.POST("/v1/drafts/{id}/submit", { params: { path: { id } } }),
    "submit for review",
  );
  check(application.status === "pending", "the application is pending");

  // The reviewer's queue and decision.
  const queue = ok(await reviewer.GET("/v1/review/applications", { params: { query: { limit: 100 } } }), "read the queue");
  check(
    queue.items.some((a) => a.id === application.id),
    "the application is in the reviewer's queue",
  );
  const approved = ok(
    await reviewer.POST("/v1/applications/{id}/approve", { params: { path: { id: application.id } } }),
    "approve",
  );
  const productId = approved.product_id;
  check(approved.status === "approved" && typeof productId === "string", "approval created a product");
  if (typeof productId !== "string") return;

  // The anonymous catalog.
  const page = ok(await visitor.GET("/v1/catalog/products", { params: { query: { q: "Migration" } } }), "search the catalog");
  check(
    page.items.some((p) => p.id === productId),
    "the product is listed",
  );
  const product = ok(
    await visitor.GET("/v1/catalog/products/{id}", { params: { path: { id: productId } } }),
    "read the product",
  );
  // The content is typed by its delivery method: narrowing on it gives the method's own members.
  const listed = product.content;
  check(listed.delivery_method === "professional_service", "the catalog types the content by its delivery method");
  if (listed.delivery_method !== "professional_service") return;
  const spec = listed.specifications?.[0];
  const sku = spec?.skus?.find((s) => s.attributes?.["edition"] === "enterprise");
  const [key, code] = [spec?.key, sku?.code];
  check(typeof key === "string" && typeof code === "string", "the catalog shows the specification and its SKU codes");
  if (typeof key !== "string" || typeof code !== "string") return;
  const quote = ok(
    await visitor.POST("/v1/catalog/products/{id}/quote", {
      params: { path: { id: productId } },
      body: { specification: key, sku: code, quantity: 12, period: "one_time" },
    }),
    "quote the enterprise SKU",
  );
  check(quote.total.amount === templateQuote.total.amount, "the catalog quotes the template's price");

  // A broken rule is 422 with the field named.
  const invalid = await seller.POST("/v1/pricing-templates", {
    body: { model: "flat", name: "Lower-case currency", currency: "usd", amounts: { month: 100 } },
  });
  check(
    invalid.response.status === 422 && (invalid.error?.errors ?? []).some((e) => e.pointer === "/currency"),
    "an invalid currency is 422 naming /currency",
  );
  console.log("release completed");
}

await main();
