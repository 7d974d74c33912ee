/** How many items a one-line summary names before "and N more". */
export const NAMED_ITEMS = 3;
/** The longest a named item may be in a summary line. */
export const ITEM_CHARS = 80;

/** `text` cut to `max` characters, with an ellipsis when it was longer. */
export const shorten = (text: string, max = 2 * ITEM_CHARS) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The first few of a list, each shortened, for a reason or summary line that must stay a line however long the
 * list is ("a; b; c and 497 more"); the full list belongs in the results' extra.
 */
export function firstFew(items: readonly string[], separator = '; '): string {
  const named = items.slice(0, NAMED_ITEMS).map((item) => shorten(item, ITEM_CHARS)).join(separator);
  return items.length > NAMED_ITEMS ? `${named} and ${items.length - NAMED_ITEMS} more` : named;
}
