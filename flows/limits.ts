/** Bounds on what a citizen may send, counted in characters a person sees (see `charCount`). */
export const limits = {
  /** Shorter descriptions rarely let staff act without calling back. */
  descriptionMin: 15,
  descriptionMax: 4_000,
  addressMax: 500,
  nameMax: 100,
  photos: 3,
  /** Search words longer than this are not a service name. */
  serviceQueryMax: 100,
  /** The summary shows the start of long free text (description, address); the case keeps all of it. */
  summaryText: 300,
  /** The status list shows the most recent cases only. */
  casesListed: 5,
} as const;
