/**
 * Small-integer enumerations carried in tickets. Values are part of the wire
 * format: never renumber, only append.
 */
export const Product = Object.freeze({
  ADULT: 0,
  CHILD: 1,
  STUDENT: 2,
  CONCESSION: 3,
  FREE_CHILD: 4,
  STAFF: 5,
  PASS: 6,
} as const);
export type Product = (typeof Product)[keyof typeof Product];
export const PRODUCTS: readonly Product[] = Object.freeze(Object.values(Product));

/** Products the driver must look at (a card, a child's age, a staff badge). */
export const PRODUCTS_TO_CHECK: readonly Product[] = Object.freeze([
  Product.CHILD, Product.STUDENT, Product.CONCESSION, Product.FREE_CHILD, Product.STAFF,
]);

export const PRODUCT_LABEL: Readonly<Record<Product, { zh: string; en: string }>> = Object.freeze({
  [Product.ADULT]: { zh: '全票', en: 'Adult' },
  [Product.CHILD]: { zh: '儿童票', en: 'Child' },
  [Product.STUDENT]: { zh: '学生票', en: 'Student' },
  [Product.CONCESSION]: { zh: '优待票', en: 'Concession' },
  [Product.FREE_CHILD]: { zh: '免票儿童', en: 'Free child' },
  [Product.STAFF]: { zh: '员工票', en: 'Staff' },
  [Product.PASS]: { zh: '通票', en: 'Pass' },
});

/** The transport mode of the issuer, for tickets interconnected with other modes. */
export const IssuerMode = Object.freeze({
  ROAD: 0,
  RAIL: 1,
  WATERWAY: 2,
  AIR: 3,
  TOURISM: 4,
} as const);
export type IssuerMode = (typeof IssuerMode)[keyof typeof IssuerMode];
export const ISSUER_MODES: readonly IssuerMode[] = Object.freeze(Object.values(IssuerMode));
