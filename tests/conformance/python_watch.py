#!/usr/bin/python3
"""python3-kubernetes (Debian) list + watch driver for tst_pythonclient.

Prints one JSON object per line on stdout; reads commands from stdin at sync points:
  {"step":"listed","rv":RV,"names":[...]}          after each list
  {"step":"event","type":T,"name":N,"rv":RV}        each watch event (BOOKMARKs too)
  {"step":"paused","rv":RV}                         after an event for a name starting "pause-";
                                                    then waits for the line "resume"
  {"step":"exception","status":S,"reason":R,"body":B}  the ApiException of the resumed watch
  {"step":"done"}                                   after the event for the name "final"
Any unexpected failure: {"step":"error","message":...} and exit code 1.
"""
import argparse
import json
import sys
import traceback

from kubernetes import client, config, watch


def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def list_pods(v1, ns, selector):
    result = v1.list_namespaced_pod(ns, label_selector=selector)
    rv = result.metadata.resource_version
    emit(step="listed", rv=rv, names=sorted(p.metadata.name for p in result.items))
    return rv


def watch_until(v1, ns, selector, rv, stop_prefix):
    """Watches from rv; returns (last rv, name) at the first event whose name starts with stop_prefix."""
    w = watch.Watch()
    stream = w.stream(v1.list_namespaced_pod, ns, label_selector=selector,
                      resource_version=rv, allow_watch_bookmarks=True)
    try:
        for event in stream:
            kind = event["type"]
            raw = event["raw_object"]
            meta = raw.get("metadata", {})
            name = meta.get("name", "")
            emit(step="event", type=kind, name=name, rv=meta.get("resourceVersion", ""))
            if kind != "BOOKMARK" and name.startswith(stop_prefix):
                w.stop()
                return w.resource_version, name
    finally:
        stream.close()
    raise RuntimeError("watch ended without an event for " + stop_prefix)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--selector", required=True)
    args = parser.parse_args()

    config.load_kube_config(config_file=args.kubeconfig)
    v1 = client.CoreV1Api()
    ns, selector = args.namespace, args.selector

    rv = list_pods(v1, ns, selector)
    # Phase 1: watch from the list's version (the client re-watches by itself when the
    # server closes the stream) until the harness creates a pod named pause-*.
    rv, _ = watch_until(v1, ns, selector, rv, "pause-")
    emit(step="paused", rv=rv)
    if sys.stdin.readline().strip() != "resume":
        raise RuntimeError("expected 'resume' on stdin")

    # Phase 2: the version is now compacted away: expect a 410 ApiException (the client
    # retries once by itself first).
    try:
        watch_until(v1, ns, selector, rv, "never-")
        raise RuntimeError("watch from a compacted resourceVersion did not raise")
    except client.exceptions.ApiException as e:
        body = e.body.decode("utf-8", "replace") if isinstance(e.body, bytes) else str(e.body or "")
        emit(step="exception", status=e.status, reason=str(e.reason), body=body)

    # Phase 3: relist, rewatch, see the next event.
    rv = list_pods(v1, ns, selector)
    watch_until(v1, ns, selector, rv, "final")
    emit(step="done")


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # report everything to the harness
        emit(step="error", message="%s: %s" % (type(exc).__name__, exc),
             trace=traceback.format_exc())
        sys.exit(1)
