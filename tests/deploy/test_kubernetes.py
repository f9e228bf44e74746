"""deploy/: valid Kubernetes 1.30 objects, with the probes, shutdown and hardening we rely on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.support import (
    PROCESSES,
    SERVICES,
    manifest_files,
    manifests,
    of_kind,
    run_tool,
    tool,
)
from wellbeing.processes import GRACEFUL_SHUTDOWN_SECONDS


def kubernetes_validate(*paths: Path) -> tuple[int, str]:
    result = run_tool(
        tool("kubernetes-validate"), "--strict", "-k", "1.30", *(str(p) for p in paths)
    )
    return result.returncode, result.stdout + result.stderr


def container(process: str) -> dict[str, Any]:
    containers = of_kind("Deployment")[process]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    result: dict[str, Any] = containers[0]
    return result


def test_every_manifest_is_valid_for_kubernetes_1_30_strict() -> None:
    files = manifest_files()
    assert len(files) >= 8
    code, output = kubernetes_validate(*files)
    assert code == 0, output
    assert output.count("passed for resource") == len(manifests())


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


@pytest.mark.parametrize("process", PROCESSES)
def test_each_process_has_deployment_service_autoscaler_and_disruption_budget(
    process: str,
) -> None:
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
    assert hpa["spec"]["minReplicas"] >= 2
    pdb = of_kind("PodDisruptionBudget")[process]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]


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


@pytest.mark.parametrize("process", PROCESSES)
def test_termination_grace_outlasts_prestop_and_uvicorn_drain(process: str) -> None:
    pod = of_kind("Deployment")[process]["spec"]["template"]["spec"]
    pre_stop = container(process)["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pre_stop > 0
    assert pod["terminationGracePeriodSeconds"] > pre_stop + GRACEFUL_SHUTDOWN_SECONDS


@pytest.mark.parametrize("process", PROCESSES)
def test_containers_are_hardened_and_bounded(process: str) -> None:
    pod = of_kind("Deployment")[process]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    c = container(process)
    sc = c["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(c["resources"][bound])


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_reads_its_own_role_url_from_the_secret(service: str) -> None:
    env = {e["name"]: e for e in container(service)["env"]}
    ref = env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "wellbeing-secrets", "key": f"{service.upper()}_DATABASE_URL"}


def test_gateway_has_no_database_and_finds_services_through_the_configmap() -> None:
    env = {e["name"] for e in container("gateway").get("env", [])}
    assert "DATABASE_URL" not in env
    config = of_kind("ConfigMap")["wellbeing-config"]["data"]
    for service in SERVICES:
        url = config[f"{service.upper()}_URL"]
        assert url == f"http://{service}.wellbeing.svc.cluster.local:8000"
        assert service in of_kind("Service")


def test_migration_job_runs_bootstrap_migrate_seed_as_non_root() -> None:
    job = of_kind("Job")["wellbeing-migrate"]
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in {"OnFailure", "Never"}
    assert pod["securityContext"]["runAsNonRoot"] is True
    (c,) = pod["containers"]
    assert c["command"] == ["/bin/sh", "-c"]
    assert [s.strip() for s in c["args"][0].split("&&")] == [
        "wellbeing bootstrap",
        "wellbeing migrate",
        '{ [ "$SEED_DEMO" != true ] || wellbeing seed --demo; }',
    ]
    env = {e["name"] for e in c["env"]}
    assert {"ADMIN_DATABASE_URL"} | {f"{s.upper()}_DATABASE_URL" for s in SERVICES} <= env


def test_secret_is_a_template_with_no_values_outside_the_applied_directory() -> None:
    secrets = [d for d in manifests() if d["kind"] == "Secret"]
    assert len(secrets) == 1
    assert set(secrets[0]["stringData"].values()) == {""}
    top_level = {p.name for p in manifest_files() if p.parent.name == "deploy"}
    assert not any("secret" in name for name in top_level)
    # every key a container reads from the Secret is in the template
    keys = set(secrets[0]["stringData"])
    for doc in manifests():
        if doc["kind"] not in {"Deployment", "Job"}:
            continue
        for c in doc["spec"]["template"]["spec"]["containers"]:
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in keys


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
    # the gateway alone takes traffic from outside the namespace
    gateway = policies["gateway-ingress"]["spec"]
    assert gateway["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "gateway"}
    assert all("from" not in r for r in gateway["ingress"])
