"""deploy/: the kustomize overlays render (`kubectl kustomize`), are valid Kubernetes 1.30 objects,
and carry the probes, shutdown, hardening and secret split we rely on."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest
import yaml

from common.registry import SERVICE_NAMES
from tests.deploy.support import (
    DEPLOY_DIR,
    OVERLAYS,
    PROCESSES,
    SERVICES,
    config,
    manifests,
    of_kind,
    pod_specs,
    rendered_text,
    run_tool,
    secrets_read,
    tool,
)
from wellbeing.processes import GRACEFUL_SHUTDOWN_SECONDS

IMAGE = "registry.example.com/hohhot-wellbeing:0.1.0"


def kubernetes_validate(*paths: Path) -> tuple[int, str]:
    result = run_tool(
        tool("kubernetes-validate"), "--strict", "-k", "1.30", *(str(p) for p in paths)
    )
    return result.returncode, result.stdout + result.stderr


def container(process: str, overlay: str = "prod") -> dict[str, Any]:
    containers = of_kind("Deployment", overlay)[process]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    result: dict[str, Any] = containers[0]
    return result


def template_docs() -> list[dict[str, Any]]:
    text = (DEPLOY_DIR / "templates" / "secrets.example.yaml").read_text(encoding="utf-8")
    return [d for d in yaml.safe_load_all(text) if d]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_valid_kubernetes_1_30_objects(overlay: str, tmp_path: Path) -> None:
    path = tmp_path / f"{overlay}.yaml"
    path.write_text(rendered_text(overlay), encoding="utf-8")
    code, output = kubernetes_validate(path)
    assert code == 0, output
    assert output.count("passed for resource") == len(manifests(overlay)) >= 20


def test_strict_validation_rejects_a_misspelt_field(tmp_path: Path) -> None:
    deployment = of_kind("Deployment")["childcare"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {
        "httpGet": {"path": "/readyz", "port": "http"}
    }
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(deployment), encoding="utf-8")
    code, output = kubernetes_validate(broken)
    assert code != 0
    assert "readinesProbe" in output


def test_prestop_sleep_action_needs_kubernetes_1_30(tmp_path: Path) -> None:
    # the `sleep` lifecycle handler is what we use; older API versions must refuse it
    path = tmp_path / "gateway.yaml"
    path.write_text(yaml.safe_dump(of_kind("Deployment")["gateway"]), encoding="utf-8")
    result = run_tool(tool("kubernetes-validate"), "--strict", "-k", "1.28", str(path))
    assert result.returncode != 0


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_image_is_named_once_through_kustomize_images(overlay: str) -> None:
    images = {
        name: {c["image"] for c in pod["containers"]} for name, pod in pod_specs(overlay).items()
    }
    app = {n: i for n, i in images.items() if "pgbouncer" not in n and "backup" not in n}
    assert set(app) == {*(f"Deployment/{p}" for p in PROCESSES), "Job/wellbeing-migrate"}
    assert all(i == {IMAGE} for i in app.values()), app
    spelled = [
        p
        for p in DEPLOY_DIR.rglob("*.yaml")
        if "registry.example.com/hohhot-wellbeing" in p.read_text()
    ]
    assert spelled == [DEPLOY_DIR / "base" / "kustomization.yaml"]


@pytest.mark.parametrize("process", PROCESSES)
def test_prod_has_deployment_service_autoscaler_and_disruption_budget(process: str) -> None:
    deployment = of_kind("Deployment")[process]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = of_kind("Service")[process]
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    hpa = of_kind("HorizontalPodAutoscaler")[process]
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": process,
    }
    assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
    pdb = of_kind("PodDisruptionBudget")[process]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]


def test_dev_runs_one_replica_each_without_autoscalers_or_budgets() -> None:
    deployments = of_kind("Deployment", "dev")
    assert {n: d["spec"]["replicas"] for n, d in deployments.items()} == dict.fromkeys(PROCESSES, 1)
    assert of_kind("HorizontalPodAutoscaler", "dev") == {}
    assert of_kind("PodDisruptionBudget", "dev") == {}
    assert "pgbouncer" not in of_kind("Deployment", "dev")


def test_prod_has_no_docs_and_reaches_the_database_through_pgbouncer() -> None:
    prod, dev = config("prod"), config("dev")
    assert prod["DOCS_ENABLED"] == "false" and dev["DOCS_ENABLED"] == "true"
    assert prod["DATABASE_PGBOUNCER"] == "true" and dev["DATABASE_PGBOUNCER"] == "false"
    ini = config("prod", "wellbeing-pgbouncer-config")["pgbouncer.ini"]
    assert "pool_mode = transaction" in ini
    assert of_kind("Service")["pgbouncer"]["spec"]["ports"][0]["port"] == 6432


@pytest.mark.parametrize("process", PROCESSES)
def test_probes_point_at_healthz_and_readyz(process: str) -> None:
    c = container(process)
    assert c["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    # a service is ready when its database is reachable and migrated; the gateway's /readyz
    # is 503 when any one service is down, so probing it would pull every gateway pod out of
    # the load balancer for one service's outage
    ready = "/healthz" if process == "gateway" else "/readyz"
    assert c["readinessProbe"]["httpGet"]["path"] == ready
    assert {p["name"]: p["containerPort"] for p in c["ports"]} == {"http": 8000}
    assert c["args"] == ["serve", process] and config()["PORT"] == "8000"


@pytest.mark.parametrize("process", PROCESSES)
def test_termination_grace_outlasts_prestop_and_uvicorn_drain(process: str) -> None:
    pod = of_kind("Deployment")[process]["spec"]["template"]["spec"]
    pre_stop = container(process)["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pre_stop > 0
    assert pod["terminationGracePeriodSeconds"] > pre_stop + GRACEFUL_SHUTDOWN_SECONDS


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_hardened_and_bounded(overlay: str) -> None:
    for name, pod in pod_specs(overlay).items():
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["automountServiceAccountToken"] is False, name
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["capabilities"]["drop"] == ["ALL"], name
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(c["resources"][bound]), name
    assert (
        of_kind("Namespace", overlay)["wellbeing"]["metadata"]["labels"][
            "pod-security.kubernetes.io/enforce"
        ]
        == "restricted"
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_migration_job_can_read_the_superuser_url(overlay: str) -> None:
    readers = {name: secrets_read(pod) for name, pod in pod_specs(overlay).items()}
    assert [n for n, s in readers.items() if "wellbeing-admin" in s] == ["Job/wellbeing-migrate"]
    for service in SERVICES:
        # its own role's URL and the shared keys, nothing else
        assert readers[f"Deployment/{service}"] == {f"wellbeing-{service}", "wellbeing-keys"}
    assert readers["Deployment/gateway"] == {"wellbeing-gateway"}
    assert readers["CronJob/wellbeing-backup"] == {"wellbeing-direct"}
    holders = {
        d["metadata"]["name"] for d in template_docs() if "ADMIN_DATABASE_URL" in d["stringData"]
    }
    assert holders == {"wellbeing-admin"}


def test_secret_templates_have_no_values_and_cover_every_reference() -> None:
    templates = {d["metadata"]["name"]: d for d in template_docs()}
    assert all(d["kind"] == "Secret" for d in templates.values())
    assert {v for d in templates.values() for v in d["stringData"].values()} == {""}
    for overlay in OVERLAYS:
        for name, pod in pod_specs(overlay).items():
            assert secrets_read(pod) <= set(templates), name
            for c in pod["containers"]:
                for e in c.get("env", []):
                    if ref := e.get("valueFrom", {}).get("secretKeyRef"):
                        assert ref["key"] in templates[ref["name"]]["stringData"], name
    # no kustomization lists the templates: applying an overlay never overwrites real Secrets
    assert all(d["kind"] != "Secret" for o in OVERLAYS for d in manifests(o))


def test_one_source_of_token_keys_and_a_named_proxy_range() -> None:
    data = config()
    assert bool(data.get("JWT_JWKS_URL")) != bool(data.get("JWT_PUBLIC_KEY"))
    for cidr in data["TRUSTED_PROXIES"].split(","):
        # the Ingress controller's pods, not the whole pod network (10.0.0.0/8 trusted every pod)
        assert ipaddress.ip_network(cidr).prefixlen >= 24, cidr
    assert all(ipaddress.ip_network(c) for c in data["METRICS_ALLOW"].split(","))


def test_gateway_has_no_database_and_finds_services_through_the_configmap() -> None:
    env = {e["name"] for e in container("gateway").get("env", [])}
    assert "DATABASE_URL" not in env
    data = config()
    for service in SERVICES:
        url = data[f"{service.upper()}_URL"]
        assert url == f"http://{service}.wellbeing.svc.cluster.local:8000"
        assert service in of_kind("Service")


@pytest.mark.parametrize(("overlay", "seed"), [("prod", "false"), ("dev", "true")])
def test_migration_job_seeds_the_demo_only_when_asked(overlay: str, seed: str) -> None:
    pod = of_kind("Job", overlay)["wellbeing-migrate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in {"OnFailure", "Never"}
    (c,) = pod["containers"]
    assert c["command"] == ["/bin/sh", "-c"]
    assert [s.strip() for s in c["args"][0].split("&&")] == [
        "wellbeing bootstrap",
        "wellbeing migrate",
        '{ [ "$SEED_DEMO" != true ] || wellbeing seed --demo; }',
    ]
    assert config(overlay)["SEED_DEMO"] == seed


def test_the_ingress_exposes_the_gateway_alone_over_tls() -> None:
    (ingress,) = of_kind("Ingress").values()
    spec = ingress["spec"]
    hosts = {rule["host"] for rule in spec["rules"]}
    assert hosts <= {h for tls in spec["tls"] for h in tls["hosts"]}
    backends = {
        path["backend"]["service"]["name"]
        for rule in spec["rules"]
        for path in rule["http"]["paths"]
    }
    assert backends == {"gateway"}


def test_backups_dump_every_schema_with_the_script_the_suite_runs() -> None:
    cron = of_kind("CronJob")["wellbeing-backup"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    (c,) = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in c["env"]}
    assert env["SCHEMAS"].split() == list(SERVICE_NAMES)
    script = config("prod", "wellbeing-backup-script")["backup.sh"]
    assert script == (DEPLOY_DIR / "base" / "backup.sh").read_text(encoding="utf-8")
    assert c["command"] == ["/bin/sh", "/scripts/backup.sh"]


def test_services_accept_traffic_only_from_the_gateway_and_monitoring() -> None:
    policies = of_kind("NetworkPolicy")
    deny = policies["default-deny-ingress"]["spec"]
    assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress"]
    assert "ingress" not in deny
    spec = policies["services-from-gateway"]["spec"]
    (selected,) = spec["podSelector"]["matchExpressions"]
    assert selected["key"] == "app.kubernetes.io/name" and selected["operator"] == "In"
    assert set(selected["values"]) == set(SERVICES)
    (rule,) = spec["ingress"]
    gateway_labels = of_kind("Deployment")["gateway"]["spec"]["template"]["metadata"]["labels"]
    pod_peers = [p["podSelector"]["matchLabels"] for p in rule["from"] if "podSelector" in p]
    assert pod_peers == [{"app.kubernetes.io/name": "gateway"}]
    assert pod_peers[0].items() <= gateway_labels.items()
    assert rule["ports"] == [{"port": 8000, "protocol": "TCP"}]
    # the gateway takes traffic from the Ingress controller's namespace and monitoring only
    gateway = policies["gateway-ingress"]["spec"]
    assert gateway["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "gateway"}
    namespaces = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for r in gateway["ingress"]
        for peer in r["from"]
    }
    assert namespaces == {"ingress-nginx", "monitoring"}
    # PgBouncer: the three services only
    (bouncer,) = policies["pgbouncer-from-services"]["spec"]["ingress"]
    (peer,) = bouncer["from"]
    assert set(peer["podSelector"]["matchExpressions"][0]["values"]) == set(SERVICES)
