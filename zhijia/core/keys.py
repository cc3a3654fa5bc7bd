"""Development key material, created once per checkout under var/ so `make run` needs no set-up."""

import base64
import json
import os
from pathlib import Path


def load_or_create_dev_keys(var_dir: Path, enc_key: str, hash_key: str) -> tuple[str, str]:
    if enc_key and hash_key:
        return enc_key, hash_key
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "dev-keys.json"
    if path.exists():
        data = json.loads(path.read_text())
    else:
        data = {
            "pii": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "hash": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        }
        path.write_text(json.dumps(data))
        path.chmod(0o600)
    return enc_key or data["pii"], hash_key or data["hash"]
