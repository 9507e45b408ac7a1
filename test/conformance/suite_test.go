package conformance

import (
	"context"

	"github.com/onsi/ginkgo/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clientset "k8s.io/client-go/kubernetes"
	"k8s.io/kubernetes/test/e2e/framework"
	e2enode "k8s.io/kubernetes/test/e2e/framework/node"
	e2epod "k8s.io/kubernetes/test/e2e/framework/pod"
	netutils "k8s.io/utils/net"
)

// Suite set-up, as the upstream e2e suite does it before any spec runs: the
// cluster must answer, every node must be schedulable, the system pods must
// be up, and the default/kubernetes Service tells which IP family the
// cluster's services use. A server that cannot do this fails here, before a
// single spec, exactly as it would under the upstream e2e binary.
var _ = ginkgo.SynchronizedBeforeSuite(func(ctx context.Context) []byte {
	c, err := framework.LoadClientset()
	framework.ExpectNoError(err, "loading the client from --kubeconfig")

	timeouts := framework.NewTimeoutContext()
	framework.ExpectNoError(e2enode.WaitForAllNodesSchedulable(ctx, c, timeouts.NodeSchedulable))

	if framework.TestContext.CloudConfig.NumNodes == framework.DefaultNumNodes {
		nodes, err := e2enode.GetReadySchedulableNodes(ctx, c)
		framework.ExpectNoError(err)
		framework.TestContext.CloudConfig.NumNodes = len(nodes.Items)
	}

	if err := e2epod.WaitForAlmostAllPodsReady(ctx, c, metav1.NamespaceSystem,
		framework.TestContext.MinStartupPods, framework.TestContext.AllowedNotReadyNodes,
		timeouts.SystemPodsStartup); err != nil {
		framework.Failf("system pods are not running and ready: %v", err)
	}

	if v, err := c.Discovery().ServerVersion(); err != nil {
		framework.Logf("server version: %v", err)
	} else {
		framework.Logf("server version: %s", v.GitVersion)
	}
	return nil
}, func(ctx context.Context, _ []byte) {
	c, err := framework.LoadClientset()
	framework.ExpectNoError(err, "loading the client from --kubeconfig")
	framework.TestContext.IPFamily = clusterIPFamily(ctx, c)
	framework.Logf("cluster IP family: %s", framework.TestContext.IPFamily)
})

// clusterIPFamily reads the family of the cluster IP of default/kubernetes,
// the Service every API server publishes for itself.
func clusterIPFamily(ctx context.Context, c clientset.Interface) string {
	svc, err := c.CoreV1().Services(metav1.NamespaceDefault).Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil {
		framework.Failf("reading the cluster IP of default/kubernetes: %v", err)
	}
	if netutils.IsIPv6String(svc.Spec.ClusterIP) {
		return "ipv6"
	}
	return "ipv4"
}
