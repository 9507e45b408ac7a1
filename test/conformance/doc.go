// Package conformance runs Kubernetes' own end-to-end specs for DaemonSets
// and ControllerRevisions (k8s.io/kubernetes/test/e2e/apps at v1.32.10)
// against a DaemonLedger server.
//
// The test binary is built with `go test -c` and driven by
// scripts/conformance.mjs, which starts the server, writes its kubeconfig and
// passes only --provider=skeleton, --kubeconfig and Ginkgo's focus and report
// flags. Everything else (protobuf request bodies, the ServiceAccount wait for
// every test namespace) stays at the framework's defaults, so the specs see
// the server exactly as they would see kube-apiserver.
package conformance
