/**
 * ID3v2.3 tag writer (with the ID3v2 Chapter addendum: CHAP/CTOC). Written here rather than by
 * ffmpeg's muxer so tags can be rewritten without re-encoding (a title edit costs a file copy, not
 * a master), the cover needs no image demuxer in the encode, and the output is the same whatever
 * ffmpeg build runs. v2.3 because it is the version every podcast player reads.
 */

export type Chapter = { startSeconds: number; endSeconds?: number; title: string };

export type Id3Tags = {
  title?: string;
  /** The podcast's name. */
  album?: string;
  /** The author. */
  artist?: string;
  /** Episode number. */
  track?: number;
  year?: number;
  /** Default "Podcast". */
  genre?: string;
  comment?: string;
  cover?: { mimeType: "image/jpeg" | "image/png"; data: Buffer };
  chapters?: Chapter[];
};

// eslint-disable-next-line no-control-regex -- ISO-8859-1 holds the control characters too
const latin1Ok = (s: string) => /^[\x00-\xff]*$/.test(s);

/** Encoding byte + text: ISO-8859-1 when it fits, otherwise UTF-16 with a BOM. */
function encodeText(text: string, terminate: boolean): Buffer {
  if (latin1Ok(text)) return Buffer.concat([Buffer.from([0]), Buffer.from(text, "latin1"), terminate ? Buffer.from([0]) : Buffer.alloc(0)]);
  return Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from(text, "utf16le"), terminate ? Buffer.from([0, 0]) : Buffer.alloc(0)]);
}

function frame(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(10);
  header.write(id, 0, "ascii");
  header.writeUInt32BE(body.length, 4); // v2.3: plain 32-bit size
  return Buffer.concat([header, body]);
}

const textFrame = (id: string, text: string) => frame(id, encodeText(text, false));

function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

/**
 * Builds an ID3v2.3 tag to put in front of an MP3 stream. Chapter end times default to the next
 * chapter's start, and the last one to `durationSeconds`.
 */
export function buildId3Tag(tags: Id3Tags, durationSeconds: number): Buffer {
  const frames: Buffer[] = [];
  if (tags.title) frames.push(textFrame("TIT2", tags.title));
  if (tags.album) frames.push(textFrame("TALB", tags.album));
  if (tags.artist) frames.push(textFrame("TPE1", tags.artist));
  if (tags.track !== undefined) frames.push(textFrame("TRCK", String(tags.track)));
  if (tags.year !== undefined) frames.push(textFrame("TYER", String(tags.year)));
  frames.push(textFrame("TCON", tags.genre ?? "Podcast"));
  frames.push(textFrame("TLEN", String(Math.round(durationSeconds * 1000))));
  if (tags.comment) {
    const enc = encodeText("", true);
    const body = encodeText(tags.comment, false);
    // COMM: encoding, language, empty description (same encoding), text.
    frames.push(frame("COMM", Buffer.concat([enc.subarray(0, 1), Buffer.from("eng", "ascii"), enc.subarray(1), body.subarray(1)])));
  }
  if (tags.cover) {
    frames.push(
      frame(
        "APIC",
        Buffer.concat([Buffer.from([0]), Buffer.from(tags.cover.mimeType + "\0", "latin1"), Buffer.from([3, 0]), tags.cover.data]),
      ),
    );
  }
  const chapters = [...(tags.chapters ?? [])].sort((a, b) => a.startSeconds - b.startSeconds).slice(0, 255);
  if (chapters.length) {
    const ids = chapters.map((_, i) => `chp${i}`);
    frames.push(
      frame(
        "CTOC",
        Buffer.concat([
          Buffer.from("toc\0", "latin1"),
          Buffer.from([0x03, chapters.length]), // top-level, ordered
          ...ids.map((id) => Buffer.from(id + "\0", "latin1")),
        ]),
      ),
    );
    chapters.forEach((c, i) => {
      const ms = (s: number) => Math.max(0, Math.round(Math.min(s, durationSeconds) * 1000));
      const end = c.endSeconds ?? chapters[i + 1]?.startSeconds ?? durationSeconds;
      const times = Buffer.alloc(16);
      times.writeUInt32BE(ms(c.startSeconds), 0);
      times.writeUInt32BE(ms(end), 4);
      times.writeUInt32BE(0xffffffff, 8); // no byte offsets
      times.writeUInt32BE(0xffffffff, 12);
      frames.push(frame("CHAP", Buffer.concat([Buffer.from(ids[i] + "\0", "latin1"), times, textFrame("TIT2", c.title)])));
    });
  }
  const body = Buffer.concat(frames);
  const header = Buffer.concat([Buffer.from("ID3", "ascii"), Buffer.from([3, 0, 0]), syncsafe(body.length)]);
  return Buffer.concat([header, body]);
}
