"""Prepares the catalog scenarios of bench/run.sh against a running server (standard library only).

  prepare.py BASE IDS_FILE OUT_DIR DEPTH

Writes OUT_DIR/quotes.txt (one "<product id> <quote request JSON>" per line, for products that
offer a quotable SKU) and OUT_DIR/deep_token (the page token DEPTH pages into the catalog, or as
deep as it goes), and prints the depth reached. Fails when a search scenario's needle finds nothing
(a broken search index would otherwise be measured as a fast one).
"""
import json
import random
import sys
import urllib.parse
import urllib.request


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.load(response)


def quote_body(product):
    for spec in product["content"].get("specifications", []):
        skus = spec.get("skus") or []
        if not skus:
            continue
        sku = random.choice(skus)
        price = spec.get("price") if spec.get("pricing") == "simple" else sku.get("price")
        period = "one_time" if spec.get("billing_mode") == "one_time" else "month"
        body = {"specification": spec["key"], "sku": sku["code"], "period": period}
        if price and price.get("model") != "flat":
            quantity = next((a for a in spec.get("attributes", []) if a.get("type") == "quantity"), None)
            body["quantity"] = random.randint(quantity["min"], min(quantity["max"], 50)) if quantity else 1
        return body
    return None


def main():
    base, ids_file, out_dir, depth = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    ids = [line.strip() for line in open(ids_file) if line.strip()]
    random.seed(7)
    with open(f"{out_dir}/quotes.txt", "w") as out:
        for product_id in random.sample(ids, min(500, len(ids))):
            try:
                product = get(base, f"/v1/catalog/products/{product_id}")
            except urllib.error.HTTPError:
                continue
            body = quote_body(product)
            if body:
                out.write(f"{product_id} {json.dumps(body, separators=(',', ':'))}\n")
    token, reached = None, 0
    while reached < depth:
        query = "?limit=20" + (f"&page_token={urllib.parse.quote(token)}" if token else "")
        page = get(base, f"/v1/catalog/products{query}")
        if not page["next_page_token"]:
            break
        token, reached = page["next_page_token"], reached + 1
    with open(f"{out_dir}/deep_token", "w") as out:
        out.write(token or "")
    for needle in ["kafka", "gringotts redis"]:
        found = get(base, "/v1/catalog/products?q=" + urllib.parse.quote(needle))["items"]
        if not found:
            sys.exit(f"the search for {needle!r} found nothing: is the search index broken?")
    print(reached)


if __name__ == "__main__":
    main()
