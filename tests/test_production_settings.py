"""Production mode (REGISTRY_ENV=production) starts only with a public base URL and secrets of its own,
which may come from files (Docker secrets); every mode refuses requests for hosts it does not trust."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from registry import create_app
from registry.cli import main
from registry.config import Config, ConfigError

SECRET = "5f0c1e9a7b3d4c2e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c"
PRODUCTION = {"REGISTRY_ENV": "production", "REGISTRY_PUBLIC_BASE_URL": "https://credit.tongliao.gov.cn",
              "REGISTRY_SECRET_KEY": SECRET,
              "REGISTRY_DATABASE_URL": "postgresql+psycopg://registry@db:5432/registry",
              "REGISTRY_DATABASE_PASSWORD": "kT9-vQ2@xw#Lm4", "REGISTRY_SEARCH_URL": "http://admin@search:9200",
              "REGISTRY_SEARCH_PASSWORD": "Zr8!pW3qNc6y"}


def production(tmp_path, **changed) -> dict:
    environ = {**PRODUCTION, "REGISTRY_INSTANCE_DIR": str(tmp_path), **changed}
    return {name: value for name, value in environ.items() if value is not None}


def test_production_with_its_own_secrets_starts_and_puts_the_passwords_into_the_urls(tmp_path):
    config = Config.from_env(production(tmp_path))
    assert config.DATABASE_URL == "postgresql+psycopg://registry:kT9-vQ2%40xw%23Lm4@db:5432/registry"
    assert config.SEARCH_URL == "http://admin:Zr8%21pW3qNc6y@search:9200"
    assert "credit.tongliao.gov.cn" in config.trusted_hosts


@pytest.mark.parametrize(("changed", "named"), [
    ({"REGISTRY_PUBLIC_BASE_URL": None}, "REGISTRY_PUBLIC_BASE_URL"),
    ({"REGISTRY_SECRET_KEY": "change-me"}, "REGISTRY_SECRET_KEY"),
    ({"REGISTRY_SECRET_KEY": "short-but-not-known"}, "REGISTRY_SECRET_KEY"),
    ({"REGISTRY_DATABASE_PASSWORD": "registry"}, "REGISTRY_DATABASE_PASSWORD"),
    ({"REGISTRY_DATABASE_PASSWORD": None, "REGISTRY_DATABASE_URL": "postgresql://registry:registry@db/registry"},
     "REGISTRY_DATABASE_PASSWORD"),
    ({"REGISTRY_SEARCH_PASSWORD": None, "REGISTRY_SEARCH_URL": "http://search:9200"}, "REGISTRY_SEARCH_PASSWORD"),
    ({"REGISTRY_SEARCH_PASSWORD": "admin"}, "REGISTRY_SEARCH_PASSWORD"),
])
def test_production_refuses_to_start_on_a_known_default(tmp_path, changed, named):
    with pytest.raises(ConfigError) as info:
        Config.from_env(production(tmp_path, **changed))
    assert named in str(info.value) and "\n" not in str(info.value)


def test_the_embedded_default_keeps_its_defaults(tmp_path):
    config = Config.from_env({"REGISTRY_INSTANCE_DIR": str(tmp_path), "REGISTRY_SECRET_KEY": "change-me"})
    assert config.ENV == "embedded" and config.PUBLIC_BASE_URL == ""


def test_the_command_refuses_to_start_production_naming_the_variable(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--no-front"],
                                env=production(tmp_path, REGISTRY_SECRET_KEY="change-me"))
    assert result.exit_code != 0 and "REGISTRY_SECRET_KEY is a known default" in result.output


def test_secrets_come_from_files_as_docker_secrets_give_them(tmp_path):
    (tmp_path / "secret_key").write_text(SECRET + "\n")
    (tmp_path / "db_password").write_text("from-a-secret-file-7Q\n")
    environ = production(tmp_path, REGISTRY_SECRET_KEY=None, REGISTRY_DATABASE_PASSWORD=None,
                         REGISTRY_SECRET_KEY_FILE=str(tmp_path / "secret_key"),
                         REGISTRY_DATABASE_PASSWORD_FILE=str(tmp_path / "db_password"))
    config = Config.from_env(environ)
    assert config.SECRET_KEY == SECRET and ":from-a-secret-file-7Q@db:" in config.DATABASE_URL
    with pytest.raises(ConfigError, match="REGISTRY_SECRET_KEY and REGISTRY_SECRET_KEY_FILE are both set"):
        Config.from_env({**environ, "REGISTRY_SECRET_KEY": SECRET})
    with pytest.raises(ConfigError, match="REGISTRY_DATABASE_PASSWORD_FILE names .* cannot be read"):
        Config.from_env({**environ, "REGISTRY_DATABASE_PASSWORD_FILE": str(tmp_path / "missing")})


def test_a_request_for_a_host_not_trusted_is_refused(client):
    forged = client.get("/api/v1/search?q=通辽", headers={"Host": "evil.example"})
    assert forged.status_code == 400 and forged.headers["Content-Type"] == "application/problem+json"
    page = client.get("/", headers={"Host": "evil.example", "Accept": "text/html"})
    assert page.status_code == 400
    assert client.get("/", headers={"Host": "localhost:5000"}).status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1"}).status_code == 200


def test_hosts_named_in_the_settings_are_answered(tmp_path):
    app = create_app({"INSTANCE_DIR": str(tmp_path), "TRUSTED_HOSTS": "credit.example, .tongliao.gov.cn",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}"})
    client = app.test_client()
    for host in ("credit.example", "credit.tongliao.gov.cn:443", "localhost"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200
    assert client.get("/healthz", headers={"Host": "credit.example.evil"}).status_code == 400


COMPOSE = Path(__file__).resolve().parents[1] / "deploy" / "docker-compose.yml"
MAKE_SECRETS = COMPOSE.with_name("make-secrets.sh")


def compose_app_environment(secrets_dir: Path) -> dict:
    """The app service's environment as docker compose gives it, its secrets read from `secrets_dir`."""
    given = {"REGISTRY_PUBLIC_BASE_URL": "https://credit.tongliao.gov.cn"}

    def interpolate(match):
        name, operator, rest = match.groups()
        if name in given:
            return given[name]
        assert operator == "-", f"compose would refuse to start without {name}: {rest}"
        return rest

    environment = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]["app"]["environment"]
    filled = {name: re.sub(r"\$\{(\w+):([-?])([^}]*)\}", interpolate, str(value))
              for name, value in environment.items()}
    return {name: value.replace("/run/secrets", str(secrets_dir)) for name, value in filled.items()}


def test_the_compose_file_holds_no_secret_and_starts_production_with_the_secrets_made_for_it(tmp_path):
    text = COMPOSE.read_text(encoding="utf-8")
    assert "change-me" not in text and "POSTGRES_PASSWORD:" not in text and "DISABLE_SECURITY_PLUGIN" not in text
    shutil.copy(MAKE_SECRETS, tmp_path)
    subprocess.run(["bash", str(tmp_path / MAKE_SECRETS.name)], check=True, capture_output=True)
    environment = {**compose_app_environment(tmp_path / "secrets"), "REGISTRY_INSTANCE_DIR": str(tmp_path)}
    config = Config.from_env(environment)
    assert config.production and config.SECRET_KEY == (tmp_path / "secrets" / "secret_key").read_text().strip()
    assert config.SEARCH_URL.startswith("http://admin:") and config.TRUSTED_PROXIES == 1

    (tmp_path / "secrets" / "secret_key").write_text("change-me\n")
    with pytest.raises(ConfigError, match="REGISTRY_SECRET_KEY is a known default"):
        Config.from_env(environment)
