#!/usr/bin/python3
"""python3-kubernetes (Debian) one-shot lists for tst_routecoverage.

Lists pods (typed CoreV1Api, with a label selector) and boilerhouseclaims (CustomObjectsApi)
and prints {"pods":[names],"claims":[names]} as one JSON line; any failure is
{"error":...} and exit code 1.
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
    args = parser.parse_args()
    config.load_kube_config(config_file=args.kubeconfig)
    pods = client.CoreV1Api().list_namespaced_pod(args.namespace, label_selector=args.selector)
    claims = client.CustomObjectsApi().list_namespaced_custom_object(
        "boilerhouse.dev", "v1alpha1", args.namespace, "boilerhouseclaims")
    print(json.dumps({
        "pods": sorted(p.metadata.name for p in pods.items),
        "claims": sorted(c["metadata"]["name"] for c in claims["items"]),
    }), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # report everything to the harness
        print(json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)}), flush=True)
        sys.exit(1)
