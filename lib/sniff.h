/* sniff.h - telling text from what is not text, before any decoding.
 *
 * Folders of articles also hold archives, images, executables and other
 * files that no parser should read as text: decoded as Windows-1252 any
 * byte is some character, so junk would be indexed and shown in facets.
 * The test looks only at bytes: a known file signature at the start (gzip, bzip2, xz, zstd, zip, 7-Zip, tar, PDF,
 * PNG, JPEG, GIF, WebP/RIFF, ELF, Mach-O, SQLite, Ogg, MP3, UTF-16/32
 * byte order marks), or, in the first 64 KiB, more than one character in
 * twenty that no text holds (C0 controls other than tab, line and page
 * breaks, DEL, C1 controls and the bytes Windows-1252 leaves undefined),
 * or more than one NUL byte in a hundred.  A stray NUL in a feed costs
 * only its record (parse.h drops it), not the whole file.
 */
#ifndef NA_SNIFF_H
#define NA_SNIFF_H

#include <stddef.h>

/* Returns NULL when the LEN bytes at BUF may be text (an empty buffer
 * is), else a short static reason naming what was found ("gzip data",
 * "NUL bytes", "too few text characters"), to complete "not text: ...". */
const char *na_sniff_binary(const unsigned char *buf, size_t len);

#endif
