"""Write the static package trees the e2e servers publish.

    python3 packages.py WWW BASE_URL

WWW is the directory nginx serves; BASE_URL is how builds reach it
(http://127.0.0.1:PORT). Every package is tiny and made here from nothing,
in the layout its client asks for:

  pypi/simple/<name>/          PEP 503 index pages and one wheel per name
  npm/<name>/index.json        npm packument (served at /npm/<name>) + tarball
  composer/packages.json       Composer repository with one zip dist
  maven2/...                   Maven 2 layout: a build extension jar + pom
  goproxy/example.com/...      GOPROXY protocol: list, .info, .mod, .zip
(gems are made by gems.sh with Ruby's own tools.)
"""

import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import zipfile

WWW, BASE = sys.argv[1], sys.argv[2].rstrip("/")
FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def write(path, data):
    path = os.path.join(WWW, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def zip_bytes(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, FIXED_TIME), data)
    return buf.getvalue()


def wheel(name, version):
    mod = name.replace("-", "_")
    dist = f"{mod}-{version}.dist-info"
    files = {
        f"{mod}/__init__.py": f"NAME = {name!r}\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: dfix-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data.encode())}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = "\n".join(record) + "\n"
    return f"{mod}-{version}-py3-none-any.whl", zip_bytes(files)


def pypi(names):
    links = []
    for name in names:
        fname, data = wheel(name, "1.0.0")
        write(f"pypi/packages/{fname}", data)
        sha = hashlib.sha256(data).hexdigest()
        page = (f'<!DOCTYPE html>\n<html><body>\n<a href="../../packages/{fname}#sha256={sha}">'
                f"{fname}</a>\n</body></html>\n")
        write(f"pypi/simple/{name}/index.html", page)
        links.append(f'<a href="{name}/">{name}</a>')
    write("pypi/simple/index.html", "<!DOCTYPE html>\n<html><body>\n" + "\n".join(links) + "\n</body></html>\n")


def npm(name, version):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for path, data in {
            "package/package.json": json.dumps({"name": name, "version": version, "main": "index.js"}),
            "package/index.js": "module.exports = 'private';\n",
        }.items():
            info = tarfile.TarInfo(path)
            info.size = len(data.encode())
            info.mtime = 0
            t.addfile(info, io.BytesIO(data.encode()))
    tgz = buf.getvalue()
    fname = f"{name}-{version}.tgz"
    write(f"npm/{name}/-/{fname}", tgz)
    packument = {
        "name": name,
        "dist-tags": {"latest": version},
        "versions": {version: {
            "name": name, "version": version, "main": "index.js",
            "dist": {
                "tarball": f"{BASE}/npm/{name}/-/{fname}",
                "shasum": hashlib.sha1(tgz).hexdigest(),
                "integrity": "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode(),
            },
        }},
    }
    write(f"npm/{name}/index.json", json.dumps(packument))


def composer(name, version):
    vendor_pkg = name.replace("/", "-")
    dist = zip_bytes({
        f"{vendor_pkg}/composer.json": json.dumps({"name": name, "version": version}),
        f"{vendor_pkg}/src/Private.php": "<?php\nnamespace Acme;\nclass PrivateThing {}\n",
    })
    fname = f"{vendor_pkg}-{version}.zip"
    write(f"composer/dist/{fname}", dist)
    write("composer/packages.json", json.dumps({"packages": {name: {version: {
        "name": name, "version": version, "type": "library",
        "dist": {"url": f"{BASE}/composer/dist/{fname}", "type": "zip",
                 "shasum": hashlib.sha1(dist).hexdigest()},
    }}}}))


def maven(group, artifact, version):
    base = f"maven2/{group.replace('.', '/')}/{artifact}/{version}/{artifact}-{version}"
    jar = zip_bytes({"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\n\r\n"})
    pom = (f'<?xml version="1.0" encoding="UTF-8"?>\n<project><modelVersion>4.0.0</modelVersion>'
           f"<groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
           f"<version>{version}</version><packaging>jar</packaging></project>\n")
    for ext, data in ((".jar", jar), (".pom", pom.encode())):
        write(base + ext, data)
        write(base + ext + ".sha1", hashlib.sha1(data).hexdigest())


def goproxy(module, version):
    root = f"goproxy/{module}/@v"
    mod = f"module {module}\n\ngo 1.19\n"
    write(f"{root}/list", version + "\n")
    write(f"{root}/{version}.info", json.dumps({"Version": version, "Time": "2024-01-01T00:00:00Z"}))
    write(f"{root}/{version}.mod", mod)
    write(f"{root}/{version}.zip", zip_bytes({
        f"{module}@{version}/go.mod": mod,
        f"{module}@{version}/private.go": "package private\n\nconst Name = \"private\"\n",
    }))


pypi(["dnxlogger", "privatestuff", "app"])
npm("acme-private", "1.0.0")
composer("acme/private", "1.0.0")
maven("com.example", "dfix-ext", "1.0")
# Maven adds plexus-utils 1.1 to every build extension's dependencies; an
# empty jar of that name satisfies the resolver (no class of it is loaded).
maven("org.codehaus.plexus", "plexus-utils", "1.1")
goproxy("example.com/private", "v1.0.0")
