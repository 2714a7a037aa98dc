"""An OpenSearch node of the drill's own (deploy/opensearch.sh, with a state folder and ports of its own),
so that the drill can stop it for the length of an import without touching the shared node."""

import os
import shutil
import subprocess

from tests.services import DEPLOY_DIR, REPO_DIR, SCRIPT_TIMEOUT_SECONDS

FIRST_BASE_PORT = 9280  # HTTP from 9281 up, transport 100 above: clear of the shared node and the cluster
HEAP = "256m"
JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"  # a start in half the time: the drill indexes little


class OwnOpenSearch:
    def __init__(self):
        services = os.environ.get("REGISTRY_SERVICES_DIR") or str(REPO_DIR / ".services")
        self.env = {**os.environ, "REGISTRY_SERVICES_DIR": os.path.join(services, "faults-drill"),
                    "OPENSEARCH_PORT": str(FIRST_BASE_PORT), "OPENSEARCH_HEAP": HEAP,
                    "OPENSEARCH_JAVA_OPTS": JAVA_OPTS}
        shutil.rmtree(os.path.join(self.env["REGISTRY_SERVICES_DIR"], "opensearch", "data"), ignore_errors=True)
        self.url = self.start()

    def _script(self, command: str) -> str:
        done = subprocess.run(["bash", str(DEPLOY_DIR / "opensearch.sh"), command], env=self.env, cwd=REPO_DIR,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_SECONDS)
        if done.returncode != 0:
            raise RuntimeError(f"deploy/opensearch.sh {command} failed:\n{done.stderr[-3000:]}")
        lines = done.stdout.split()
        return lines[-1] if lines else ""

    def start(self) -> str:
        """Start the node (its indices kept from before a stop); its URL, the same as before."""
        url = self._script("start")
        if getattr(self, "url", url) != url:
            raise RuntimeError(f"the drill's node came back on {url}, not {self.url}")
        return url

    def stop(self) -> None:
        self._script("stop")
