#!/usr/bin/python3
"""python3-kubernetes (Debian) one-shot lists for tst_routecoverage.

Lists pods (typed CoreV1Api, with a label selector) and boilerhouseclaims (CustomObjectsApi)
and prints {"pods":[names],"claims":[names],"podPages":N,"podListVersions":[rv...]} as one
JSON line; with --limit N the pods are listed in pages (limit + metadata._continue). Any
failure is {"error":...} and exit code 1.
"""
import argparse
import json
import sys

from kubernetes import client, config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--selector", required=True)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    config.load_kube_config(config_file=args.kubeconfig)
    v1 = client.CoreV1Api()
    names, versions, token = [], [], None
    while True:
        kwargs = {"label_selector": args.selector}
        if args.limit:
            kwargs["limit"] = args.limit
        if token:
            kwargs["_continue"] = token
        page = v1.list_namespaced_pod(args.namespace, **kwargs)
        names += [p.metadata.name for p in page.items]
        versions.append(page.metadata.resource_version)
        token = page.metadata._continue
        if not token:
            break
    claims = client.CustomObjectsApi().list_namespaced_custom_object(
        "boilerhouse.dev", "v1alpha1", args.namespace, "boilerhouseclaims")
    print(json.dumps({
        "pods": sorted(names),
        "podPages": len(versions),
        "podListVersions": versions,
        "claims": sorted(c["metadata"]["name"] for c in claims["items"]),
    }), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # report everything to the harness
        print(json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)}), flush=True)
        sys.exit(1)
