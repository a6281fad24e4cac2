/** The largest image file we read, in bytes. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** The most pixels we decode; checked from the header before any decoding. */
export const MAX_PIXELS = 40_000_000;
/** The most bytes one compressed text chunk may inflate to. */
export const MAX_INFLATED_CHUNK = 2 * 1024 * 1024;
/** The most bytes all compressed text chunks of one file may inflate to together. */
export const MAX_INFLATED_TOTAL = 8 * 1024 * 1024;
/** The most chunks or segments we walk, not counting PNG image data chunks. */
export const MAX_CHUNKS = 1000;
/** The most text entries (text chunks, comments, Exif strings) we keep from one file. */
export const MAX_TEXT_ENTRIES = 64;
/** The most entries one Exif directory may declare. */
export const MAX_IFD_ENTRIES = 1000;
