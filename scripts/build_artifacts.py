"""Release artifacts from a built Linux hub binary, with the Python standard library alone: a versioned
tar.gz and a wheel whose `mcp-firewall-hub` command execs the bundled binary. Called by scripts/package.

The binary decides everything the artifacts claim: the version (its `--version`), the architecture (ELF
e_machine) and the manylinux tag (the newest GLIBC_x.y symbol version it needs). A binary that needs a
Swift runtime library (libswift*, Foundation, libdispatch) is refused: it would not run without Swift.
Both archives are reproducible: sorted entries, fixed owners, timestamps from SOURCE_DATE_EPOCH.

Usage: build_artifacts.py --binary PATH --repo DIR --out DIR
"""
import argparse
import base64
import gzip
import hashlib
import io
import os
import re
import struct
import subprocess
import sys
import tarfile
import time
import zipfile

NAME = "mcp-firewall-hub"
MODULE = "mcp_firewall_hub"
SUMMARY = "One stdio MCP server in front of many, with a per-server allow / approve / deny firewall."
ARCHITECTURES = {62: "x86_64", 183: "aarch64"}  # ELF e_machine
SWIFT_RUNTIME = re.compile(r"libswift|Foundation|libdispatch|BlocksRuntime|lib_FoundationICU")


class ArtifactError(Exception):
    pass


# ---- ELF: what the binary needs from the machine it runs on


class ElfNeeds:
    """DT_NEEDED libraries, RPATH/RUNPATH and GLIBC symbol versions of a 64-bit little-endian ELF file."""

    def __init__(self, data):
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ArtifactError("not a 64-bit little-endian ELF executable")
        (self.machine,) = struct.unpack_from("<H", data, 18)
        (shoff,) = struct.unpack_from("<Q", data, 40)
        shentsize, shnum = struct.unpack_from("<HH", data, 58)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        self.needed, self.search_paths, self.versions = [], [], set()
        for _, kind, _, _, offset, size, link, info, _, _ in sections:
            strings = sections[link][4] if link < len(sections) else 0
            if kind == 6:  # SHT_DYNAMIC
                for at in range(offset, offset + size, 16):
                    tag, value = struct.unpack_from("<qQ", data, at)
                    if tag == 0:
                        break
                    if tag == 1:
                        self.needed.append(self._string(data, strings + value))
                    elif tag in (15, 29):  # DT_RPATH, DT_RUNPATH
                        self.search_paths.append(self._string(data, strings + value))
            elif kind == 0x6FFFFFFE:  # SHT_GNU_verneed: `info` Verneed entries, each with Vernaux entries
                at = offset
                for _ in range(info):
                    _, count, _, aux, following = struct.unpack_from("<HHIII", data, at)
                    entry = at + aux
                    for _ in range(count):
                        _, _, _, name, next_aux = struct.unpack_from("<IHHII", data, entry)
                        self.versions.add(self._string(data, strings + name))
                        entry += next_aux
                    at += following

    @staticmethod
    def _string(data, at):
        return data[at : data.index(b"\0", at)].decode()

    def newest(self, library):
        """The newest `LIBRARY_x.y[.z]` symbol version the binary requires (GLIBC, GLIBCXX), or None."""
        found = []
        for version in self.versions:
            match = re.fullmatch(rf"{library}_(\d+(?:\.\d+)+)", version)
            if match:
                found.append(tuple(int(n) for n in match.group(1).split(".")))
        return max(found) if found else None


# ---- archives


def source_date_epoch(repo):
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "-C", repo, "log", "-1", "--format=%ct"], capture_output=True, text=True)
        return max(int(out.stdout.strip()), 315532800)
    except (OSError, ValueError):
        return 315532800  # 1980-01-01, the earliest time a zip entry can hold


def write_tarball(path, root, entries, mtime):
    """entries: (relative path, bytes, mode) sorted; written under root/ with owner 0:0."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for folder in sorted({os.path.dirname(f"{root}/{name}") for name, _, _ in entries}
                             | {root}):
            info = tarfile.TarInfo(folder)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, mtime
            tar.addfile(info)
        for name, data, mode in entries:
            info = tarfile.TarInfo(f"{root}/{name}")
            info.size, info.mode, info.mtime = len(data), mode, mtime
            tar.addfile(info, io.BytesIO(data))
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=mtime) as out:
        out.write(buffer.getvalue())


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def write_wheel(path, files, dist_info, metadata_files, mtime):
    """files, metadata_files: (archive path, bytes, mode). Package files first, RECORD last (PEP 427)."""
    timestamp = time.gmtime(mtime)[:6]
    record_name = f"{dist_info}/RECORD"
    entries = sorted(files) + sorted(metadata_files)
    record = "".join(f"{name},{record_hash(data)},{len(data)}\n" for name, data, _ in entries)
    entries.append((record_name, (record + f"{record_name},,\n").encode(), 0o644))
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, date_time=timestamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | mode) << 16
            info.create_system = 3  # Unix, so installers read the mode bits
            archive.writestr(info, data)


def wheel_metadata(version, readme):
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {version}\n"
        f"Summary: {SUMMARY}\n"
        "Keywords: mcp,model-context-protocol,firewall,approval\n"
        "Requires-Python: >=3.8\n"
        "Description-Content-Type: text/markdown\n"
        "\n" + readme
    )


# ---- main


def hub_version(binary):
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    match = re.fullmatch(rf"{NAME} (\d+(?:\.\d+)*)\n", out.stdout)
    if out.returncode != 0 or not match:
        raise ArtifactError(f"{binary} --version printed {out.stdout!r} (status {out.returncode}); "
                            f"expected '{NAME} X.Y.Z'")
    return match.group(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--out", required=True)
    options = parser.parse_args()

    with open(options.binary, "rb") as f:
        binary = f.read()
    elf = ElfNeeds(binary)
    swift_needs = [n for n in elf.needed if SWIFT_RUNTIME.search(n)]
    if swift_needs:
        raise ArtifactError(f"the binary needs Swift runtime libraries {swift_needs}: build it with "
                            "--static-swift-stdlib (scripts/package does)")
    toolchain_paths = [p for p in elf.search_paths if p not in ("$ORIGIN", "")]
    if toolchain_paths:
        raise ArtifactError(f"the binary has a library search path into the build machine: {toolchain_paths}")
    arch = ARCHITECTURES.get(elf.machine)
    if arch is None:
        raise ArtifactError(f"unknown ELF machine {elf.machine}")
    glibc = elf.newest("GLIBC")
    if glibc is None:
        raise ArtifactError("the binary names no GLIBC_x.y symbol version; is it linked against glibc?")
    version = hub_version(options.binary)
    mtime = source_date_epoch(options.repo)
    os.makedirs(options.out, exist_ok=True)

    def read(relative):
        with open(os.path.join(options.repo, relative), "rb") as f:
            return f.read()

    readme = read("README.md")
    examples = sorted(f"examples/{n}" for n in os.listdir(os.path.join(options.repo, "examples"))
                      if os.path.isfile(os.path.join(options.repo, "examples", n)))
    licenses = sorted(n for n in os.listdir(options.repo) if re.fullmatch(r"(LICEN[CS]E|COPYING|NOTICE)(\..*)?", n))

    root = f"{NAME}-{version}-linux-{arch}"
    tarball = os.path.join(options.out, f"{root}.tar.gz")
    write_tarball(tarball, root,
                  [(NAME, binary, 0o755), ("README.md", readme, 0o644)]
                  + [(n, read(n), 0o644) for n in examples + licenses], mtime)

    tag = f"py3-none-manylinux_{glibc[0]}_{glibc[1]}_{arch}"
    dist_info = f"{MODULE}-{version}.dist-info"
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "wheel", "__main__.py"), "rb") as f:
        shim = f.read()
    init = (f'"""{SUMMARY} The hub binary, bundled; see __main__."""\n__version__ = "{version}"\n').encode()
    wheel = os.path.join(options.out, f"{MODULE}-{version}-{tag}.whl")
    write_wheel(
        wheel,
        [(f"{MODULE}/__init__.py", init, 0o644), (f"{MODULE}/__main__.py", shim, 0o644),
         (f"{MODULE}/bin/{NAME}", binary, 0o755)],
        dist_info,
        [(f"{dist_info}/METADATA", wheel_metadata(version, readme.decode()).encode(), 0o644),
         (f"{dist_info}/WHEEL",
          f"Wheel-Version: 1.0\nGenerator: {NAME} scripts/package\nRoot-Is-Purelib: false\nTag: {tag}\n".encode(),
          0o644),
         (f"{dist_info}/entry_points.txt", f"[console_scripts]\n{NAME} = {MODULE}.__main__:main\n".encode(), 0o644)]
        + [(f"{dist_info}/{n}", read(n), 0o644) for n in licenses],
        mtime)

    sums = []
    for artifact in (tarball, wheel):
        with open(artifact, "rb") as f:
            sums.append(f"{hashlib.sha256(f.read()).hexdigest()}  {os.path.basename(artifact)}\n")
    with open(os.path.join(options.out, "SHA256SUMS"), "w") as f:
        f.writelines(sums)
    libstdcxx = elf.newest("GLIBCXX")
    print(f"{NAME} {version}, linux-{arch}: needs {', '.join(elf.needed)}; glibc >= {glibc[0]}.{glibc[1]}"
          + (f", GLIBCXX_{'.'.join(map(str, libstdcxx))}" if libstdcxx else ""))
    if not licenses:
        print("no LICENSE/COPYING file in the repository: the artifacts carry none")
    for artifact in (tarball, wheel):
        print(f"{artifact} ({os.path.getsize(artifact)} bytes)")


if __name__ == "__main__":
    try:
        main()
    except (ArtifactError, OSError, struct.error, IndexError, ValueError) as error:
        sys.stderr.write(f"build_artifacts: {error}\n")
        sys.exit(1)
