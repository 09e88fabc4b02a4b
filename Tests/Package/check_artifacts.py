"""Checks what scripts/package wrote, the way an installer and a careful user would read it (standard
library only): the wheel's RECORD hashes and sizes, WHEEL tag, METADATA, entry point and file modes;
the tarball's layout; the version against Sources/FirewallHub/Router/HubVersion.swift; the manylinux tag
against `readelf -V` (when binutils is installed) and this machine's glibc; the README's install
commands against the file names.

Usage: check_artifacts.py REPO DIST_DIR
Prints one line per check; exits 1 on the first failure.
"""
import base64
import hashlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile

NAME = "mcp-firewall-hub"
MODULE = "mcp_firewall_hub"


def check(condition, what, detail=""):
    print(("ok   " if condition else "FAIL ") + what + ("" if condition or not detail else f": {detail}"), flush=True)
    if not condition:
        raise SystemExit(1)


def safe(name):
    return not name.startswith("/") and ".." not in name.split("/")


def main():
    repo, dist = sys.argv[1], sys.argv[2]
    with open(os.path.join(repo, "Sources/FirewallHub/Router/HubVersion.swift")) as f:
        version = re.search(r'static let version = "([^"]+)"', f.read()).group(1)
    names = sorted(os.listdir(dist))
    wheels = [n for n in names if n.endswith(".whl")]
    tarballs = [n for n in names if n.endswith(".tar.gz")]
    check(len(wheels) == 1 and len(tarballs) == 1 and "SHA256SUMS" in names,
          "dist holds one wheel, one tarball and SHA256SUMS", str(names))
    match = re.fullmatch(rf"{MODULE}-{re.escape(version)}-py3-none-manylinux_(\d+)_(\d+)_(x86_64|aarch64)\.whl",
                         wheels[0])
    check(match, f"wheel name carries HubVersion {version} and a manylinux tag", wheels[0])
    glibc, arch = (int(match.group(1)), int(match.group(2))), match.group(3)
    tag = f"py3-none-manylinux_{glibc[0]}_{glibc[1]}_{arch}"
    check(tarballs[0] == f"{NAME}-{version}-linux-{arch}.tar.gz", "tarball name carries the version", tarballs[0])

    with open(os.path.join(repo, "README.md")) as f:
        readme = f.read()
    check(wheels[0] in readme and tarballs[0] in readme, "the README's install commands name these very files",
          "update the file names in the README's Install section")

    with open(os.path.join(dist, "SHA256SUMS")) as f:
        sums = dict(reversed(line.split("  ", 1)) for line in f.read().splitlines())
    for artifact in (wheels[0], tarballs[0]):
        with open(os.path.join(dist, artifact), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        check(sums.get(artifact) == digest, f"SHA256SUMS matches {artifact}")

    # The wheel, as pip / uv read it (PEP 427, 376).
    dist_info = f"{MODULE}-{version}.dist-info"
    with zipfile.ZipFile(os.path.join(dist, wheels[0])) as wheel:
        members = {info.filename: info for info in wheel.infolist()}
        check(all(safe(n) for n in members) and all(n.startswith((f"{MODULE}/", f"{dist_info}/")) for n in members),
              "wheel paths stay inside the package and its dist-info", str(sorted(members)))
        record = [line.split(",") for line in wheel.read(f"{dist_info}/RECORD").decode().splitlines()]
        check(sorted(row[0] for row in record) == sorted(members), "RECORD lists every file once")
        wrong = []
        for path, digest, size in record:
            data = wheel.read(path)
            expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            if path == f"{dist_info}/RECORD" and (digest, size) != ("", "") or (
                    path != f"{dist_info}/RECORD" and (digest, size) != (expected, str(len(data)))):
                wrong.append(path)
        check(not wrong, "RECORD: every file's sha256 and size match, RECORD itself unhashed", str(wrong))
        fields = dict(line.split(": ", 1) for line in wheel.read(f"{dist_info}/WHEEL").decode().splitlines())
        check(fields.get("Wheel-Version") == "1.0" and fields.get("Root-Is-Purelib") == "false"
              and fields.get("Tag") == tag, f"WHEEL: 1.0, platlib, Tag {tag}", str(fields))
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
        header = dict(line.split(": ", 1) for line in metadata.split("\n\n", 1)[0].splitlines())
        check(header.get("Name") == NAME and header.get("Version") == version and header.get("Metadata-Version"),
              f"METADATA: Name {NAME}, Version {version}", str(header))
        check(wheel.read(f"{dist_info}/entry_points.txt").decode()
              == f"[console_scripts]\n{NAME} = {MODULE}.__main__:main\n", "entry point runs the exec shim")
        binary = f"{MODULE}/bin/{NAME}"
        check(binary in members and (members[binary].external_attr >> 16) & 0o777 == 0o755,
              "the bundled binary is in the wheel with mode 0755")
        wheel_binary = wheel.read(binary)

    # The tarball: one folder named like the file, holding the binary, the README and the examples.
    root = tarballs[0][: -len(".tar.gz")]
    with tarfile.open(os.path.join(dist, tarballs[0])) as tar:
        members = {m.name: m for m in tar.getmembers()}
        check(all(safe(n) and (n == root or n.startswith(root + "/")) for n in members),
              f"tarball entries all under {root}/", str(sorted(members)))
        files = {n[len(root) + 1 :] for n, m in members.items() if m.isfile()}
        examples = {f"examples/{n}" for n in os.listdir(os.path.join(repo, "examples"))}
        check(files >= {NAME, "README.md"} | examples, "tarball holds the binary, README.md and examples/",
              str(sorted(files)))
        check(members[f"{root}/{NAME}"].mode & 0o777 == 0o755, "the tarball's binary has mode 0755")
        check(tar.extractfile(f"{root}/{NAME}").read() == wheel_binary, "the tarball and the wheel hold the same binary")
        with open(os.path.join(repo, "README.md"), "rb") as f:
            check(tar.extractfile(f"{root}/README.md").read() == f.read(), "the tarball's README is the repo's")

    # The manylinux tag: no lower than what the binary needs, no higher than where it was built.
    host = os.confstr("CS_GNU_LIBC_VERSION").split()[-1]
    check(glibc <= tuple(int(n) for n in host.split(".")[:2]), f"tag glibc {glibc} <= this machine's {host}")
    with tempfile.TemporaryDirectory() as folder:
        binary_path = os.path.join(folder, NAME)
        with open(binary_path, "wb") as f:
            f.write(wheel_binary)
        try:
            out = subprocess.run(["readelf", "-V", "--wide", binary_path], capture_output=True, text=True).stdout
        except FileNotFoundError:
            print("skip readelf cross-check of the manylinux tag (no binutils)")
            return
    needed = max(tuple(int(n) for n in m) for m in re.findall(r"Name: GLIBC_(\d+)\.(\d+)", out))
    check(needed == glibc, f"tag glibc is the newest GLIBC_ version `readelf -V` lists ({needed})")

if __name__ == "__main__":
    main()
