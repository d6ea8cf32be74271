"""Opening an uploaded .xlsx without letting it inflate without bound (zip bombs).

An .xlsx is a zip of XML parts, and a few kilobytes of deflate can inflate to gigabytes: a 1 MB
file whose sheet inflated to 1 GiB took the server from 134 MB to about 2 GB. So every workbook a
user sends is opened here, and only here (`open_workbook`), in two steps:

1. Before anything is inflated, the central directory: at most MAX_ENTRIES members, only stored
   or deflated ones, at most MAX_INFLATED_BYTES declared in all, and no member past
   RATIO_GRACE_BYTES declaring more than MAX_RATIO times its compressed size (the limits Apache
   POI's ZipSecureFile has long applied to Excel files in the Java world).
2. While reading, because the directory can lie: openpyxl's every read goes through a counting
   stream. A member that inflates past the size it declared is refused at its first extra byte,
   and all the reads of one workbook together stop at READ_BUDGET_BYTES (openpyxl's read-only
   mode opens each worksheet twice: once for its dimensions, once for its rows).

A refusal is WorkbookTooLarge (IMPORT_TOO_LARGE): nothing is imported and the user is told why.
"""

from __future__ import annotations

import copy
import io
import zipfile
from typing import IO, Any, cast

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook.workbook import Workbook

from backend.core.errors import DomainError, ErrorCode

MIB = 1024 * 1024
MAX_ENTRIES = 1000
MAX_INFLATED_BYTES = 64 * MIB  # a 170,000-household roster written by openpyxl is ≈ 64 MB of XML
MAX_RATIO = 100
RATIO_GRACE_BYTES = 100 * 1024
READ_BUDGET_BYTES = 2 * MAX_INFLATED_BYTES
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_READ_CHUNK = 64 * 1024
_OVERSHOOT = 2 * _READ_CHUNK  # more than one read inflates (a chunk plus zipfile's 4 KiB minimum)

TOO_MANY_ENTRIES = f"工作簿内部的部件超过 {MAX_ENTRIES} 个，无法导入：请用导入模板重新填写"
TOO_LARGE = f"工作簿解压后超过 {MAX_INFLATED_BYTES // MIB} MB，无法导入：请分批导入（例如按乡镇拆分）"
TOO_COMPRESSED = f"工作簿的压缩比异常（超过 {MAX_RATIO} 倍），疑似压缩炸弹，未导入"
LARGER_THAN_DECLARED = "工作簿解压后的实际大小超过其声明的大小，文件已损坏或被篡改，未导入"


class WorkbookTooLarge(DomainError):
    code = ErrorCode.IMPORT_TOO_LARGE

    def __init__(self, message: str = TOO_LARGE) -> None:
        super().__init__(message, field="file")


class UnsupportedArchive(ValueError):
    """A member compressed with anything but deflate (or stored): not something Excel writes."""


def open_workbook(data: bytes) -> Workbook:
    """A read-only, values-only openpyxl workbook over a guarded archive of `data`.

    Raises WorkbookTooLarge as above; anything else raised means the file is not a readable
    workbook. The caller closes the workbook."""
    archive = GuardedArchive(io.BytesIO(data))
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.archive.close()
        reader.archive = archive  # load_workbook takes no archive: the same bytes, read through the guard
        reader.read()
    except BaseException:
        archive.close()
        raise
    workbook: Workbook = reader.wb
    return workbook


class GuardedArchive(zipfile.ZipFile):
    """A read-only ZipFile that checks its directory on opening and counts every byte it inflates."""

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file)
        try:
            check_directory(self.infolist())
        except BaseException:
            self.close()
            raise
        self._budget = _Budget(READ_BUDGET_BYTES)

    def open(self, name: str | zipfile.ZipInfo, mode: str = "r", pwd: bytes | None = None, **kwargs: Any) -> IO[bytes]:
        if mode != "r":
            raise ValueError("a guarded archive is read-only")
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        # zipfile stops a member at its declared size and then fails its CRC: a bomb that lies
        # would pass for a corrupt file. Let it run a little past, so the count below sees the lie.
        stretched = copy.copy(info)
        stretched.file_size = info.file_size + _OVERSHOOT
        member = _GuardedMember(super().open(stretched, "r", pwd, **kwargs), info.file_size, self._budget)
        # A binary file object like zipfile's own member; typeshed declares ZipFile.open -> IO[bytes],
        # a class that io.RawIOBase does not inherit from.
        return cast(IO[bytes], member)


def check_directory(members: list[zipfile.ZipInfo]) -> None:
    """Refuse on what the central directory declares, before a byte is inflated."""
    if len(members) > MAX_ENTRIES:
        raise WorkbookTooLarge(TOO_MANY_ENTRIES)
    if any(member.compress_type not in _METHODS for member in members):
        raise UnsupportedArchive("compression method other than stored or deflate")
    if sum(member.file_size for member in members) > MAX_INFLATED_BYTES:
        raise WorkbookTooLarge(TOO_LARGE)
    if any(_ratio_too_high(member) for member in members):
        raise WorkbookTooLarge(TOO_COMPRESSED)


def _ratio_too_high(member: zipfile.ZipInfo) -> bool:
    return member.file_size > RATIO_GRACE_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1)


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise WorkbookTooLarge(TOO_LARGE)


class _GuardedMember(io.RawIOBase):
    """One member's inflated bytes, counted against its declared size and the archive's budget."""

    def __init__(self, stream: IO[bytes], declared: int, budget: _Budget) -> None:
        super().__init__()
        self._stream = stream
        self._left = declared
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._stream.read(min(len(view), _READ_CHUNK))
        self._left -= len(data)
        if self._left < 0:
            raise WorkbookTooLarge(LARGER_THAN_DECLARED)
        self._budget.spend(len(data))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._stream.close()
        super().close()
