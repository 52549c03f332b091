/** Keyset pages, as every list of the store returns them. */

/** Position after which a list continues: the sort key of the last item returned. */
export type Cursor = readonly (string | number)[];

export interface Page<T> {
  readonly items: T[];
  /** Present only when more items exist. */
  readonly next?: Cursor;
}

export interface PageRequest {
  readonly limit: number;
  readonly after?: Cursor;
}
