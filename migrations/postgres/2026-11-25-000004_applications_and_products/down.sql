DROP TABLE products;
DROP TABLE applications;
