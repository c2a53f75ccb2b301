-- What a catalog list serves of each product: its card (JSON), and where it is sold (`*` everywhere,
-- else `,SG,US,`), rendered with its catalog entry. Empty: written before cards (rendered on read).
ALTER TABLE products ADD COLUMN catalog_card TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN sold_in TEXT NOT NULL DEFAULT '';
