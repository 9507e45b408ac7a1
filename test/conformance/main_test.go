package conformance

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"k8s.io/component-base/logs"
	"k8s.io/component-base/version"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/test/e2e/framework"
	"k8s.io/kubernetes/test/e2e/framework/config"

	// The specs under test: sig-apps (DaemonSet, ControllerRevision, and the
	// rest of the package, which the focus given at run time leaves out).
	_ "k8s.io/kubernetes/test/e2e/apps"

	// Freezes the feature and node-feature names the specs may use.
	_ "k8s.io/kubernetes/test/e2e/feature"
	_ "k8s.io/kubernetes/test/e2e/nodefeature"

	// Framework extensions the upstream suite installs: namespace dumps on
	// failure, metrics gathering and node helpers.
	_ "k8s.io/kubernetes/test/e2e/framework/debug/init"
	_ "k8s.io/kubernetes/test/e2e/framework/metrics/init"
	_ "k8s.io/kubernetes/test/e2e/framework/node/init"
	_ "k8s.io/kubernetes/test/utils/format"

	// Client-go auth plugins and the logging flags (-v and friends).
	_ "k8s.io/client-go/plugin/pkg/client/auth"
	_ "k8s.io/component-base/logs/testinit"
)

// TestMain registers the framework's flags (the same set the upstream e2e
// binary has), parses them and hands the settled configuration to the
// framework before any spec is built.
func TestMain(m *testing.M) {
	showVersion := flag.Bool("version", false, "print the version of the e2e framework and exit")
	config.CopyFlags(config.Flags, flag.CommandLine)
	framework.RegisterCommonFlags(flag.CommandLine)
	framework.RegisterClusterFlags(flag.CommandLine)
	flag.Parse()

	if *showVersion {
		fmt.Println(version.Get())
		os.Exit(0)
	}
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "unexpected arguments: %v\n", flag.Args())
		os.Exit(2)
	}

	framework.AfterReadingAllFlags(&framework.TestContext)
	os.Exit(m.Run())
}

// TestConformance runs the selected specs through Ginkgo with the
// framework's own suite and reporter configuration.
func TestConformance(t *testing.T) {
	logs.InitLogs()
	defer logs.FlushLogs()
	// InitLogs turns contextual logging off; the framework's helpers log
	// through the context, so switch it back on as the upstream suite does.
	klog.EnableContextualLogging(true)

	gomega.RegisterFailHandler(framework.Fail)
	suiteConfig, reporterConfig := framework.CreateGinkgoConfig()
	klog.Infof("Starting conformance run %q", framework.RunID)
	ginkgo.RunSpecs(t, "DaemonLedger conformance", suiteConfig, reporterConfig)
}
