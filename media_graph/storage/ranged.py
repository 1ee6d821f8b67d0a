"""A stored object as a seekable, read-only file that fetches only the ranges it is asked for.

FFmpeg seeks around a clip (an MP4's index may sit at its end) and reads a little at
each place; a poster needs the header and one group of frames, not the whole file.
On S3 each read past the block at hand is one ranged GetObject of at least BLOCK bytes
(S3 answers ranges natively); with local storage the file is opened where it lies
(storage.local).
"""

import io

BLOCK = 1024 * 1024


class RangedObject(io.RawIOBase):
    def __init__(self, client, bucket: str, key: str) -> None:
        self._client, self._bucket, self._key = client, bucket, key
        head = client.head_object(Bucket=bucket, Key=key)
        self.size = head["ContentLength"]
        self._pos = 0
        self._block_start, self._block = 0, b""
        self.requests = 0  # ranged reads made, for tests and the bench

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self._pos
        size = min(size, self.size - self._pos)
        if size <= 0:
            return b""
        offset = self._pos - self._block_start
        if offset < 0 or offset + size > len(self._block):
            self._fetch(self._pos, max(size, BLOCK))
            offset = 0
        data = self._block[offset : offset + size]
        self._pos += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _fetch(self, start: int, length: int) -> None:
        end = min(self.size, start + length) - 1
        # A stored checksum is the whole object's: it cannot check a range.
        answer = self._client.get_object(
            Bucket=self._bucket,
            Key=self._key,
            Range=f"bytes={start}-{end}",
            ChecksumMode="DISABLED",
        )
        self.requests += 1
        self._block_start, self._block = start, answer["Body"].read()
