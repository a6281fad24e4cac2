/** Where a piece of text in an image file came from. */
export type TextSource =
  | "tEXt"
  | "zTXt"
  | "iTXt"
  | "jpeg-comment"
  | "exif-user-comment"
  | "exif-ascii";

/** One keyword and text pair read from an image's metadata. */
export interface ImageText {
  keyword: string;
  text: string;
  source: TextSource;
  /** iTXt only: the language tag and the translated keyword, when given. */
  language?: string;
  translatedKeyword?: string;
}

/** The text an image carries, and what was odd but not fatal while reading it. */
export interface ImageTexts {
  texts: ImageText[];
  warnings: string[];
}
