// A Go client of DaemonLedger's protobuf wire, built on upstream's own
// codecs (k8s.io/apimachinery's protobuf serializer, its length-delimited
// watch framing, the k8s.io/api types): the interop check of
// apps/controller/test/protobuf.e2e-spec.ts. It prints one JSON document
// with what it read, for the spec to assert.
//
// Usage: go-protobuf <api url> <bearer token> <CA file>
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/runtime/serializer/streaming"
	"k8s.io/apimachinery/pkg/util/framer"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const pb = "application/vnd.kubernetes.protobuf"

var (
	scheme = runtime.NewScheme()
	codec  *protobuf.Serializer
	client *http.Client
	base   string
	token  string
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func call(method, path string, body runtime.Object) (int, string, []byte) {
	var reader io.Reader
	if body != nil {
		var buf bytes.Buffer
		must(codec.Encode(body, &buf))
		reader = &buf
	}
	req, err := http.NewRequest(method, base+path, reader)
	must(err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", pb+", application/json")
	if body != nil {
		req.Header.Set("Content-Type", pb)
	}
	res, err := client.Do(req)
	must(err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	must(err)
	return res.StatusCode, res.Header.Get("Content-Type"), data
}

func decode(data []byte, into runtime.Object) runtime.Object {
	obj, _, err := codec.Decode(data, nil, into)
	must(err)
	return obj
}

func main() {
	base, token = os.Args[1], os.Args[2]
	ca, err := os.ReadFile(os.Args[3])
	must(err)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	must(appsv1.AddToScheme(scheme))
	must(corev1.AddToScheme(scheme))
	metav1.AddToGroupVersion(scheme, metav1.SchemeGroupVersion)
	codec = protobuf.NewSerializer(scheme, scheme)
	out := map[string]any{}

	// An object, a list and a Status, decoded by upstream's codec.
	code, ct, data := call("GET", "/apis/apps/v1/namespaces/default/daemonsets/nginx-ds", nil)
	ds := decode(data, &appsv1.DaemonSet{}).(*appsv1.DaemonSet)
	out["get"] = map[string]any{"code": code, "contentType": ct, "name": ds.Name, "uid": ds.UID, "image": ds.Spec.Template.Spec.Containers[0].Image,
		"maxUnavailable": ds.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable.String(), "created": ds.CreationTimestamp.UTC().Format(time.RFC3339), "numberAvailable": ds.Status.NumberAvailable}
	_, _, data = call("GET", "/api/v1/namespaces/default/pods", nil)
	pods := decode(data, &corev1.PodList{}).(*corev1.PodList)
	names := []string{}
	for _, p := range pods.Items {
		names = append(names, p.Name)
	}
	out["list"] = map[string]any{"resourceVersion": pods.ResourceVersion, "pods": names}
	code, _, data = call("GET", "/apis/apps/v1/namespaces/default/daemonsets/nope", nil)
	status := decode(data, &metav1.Status{}).(*metav1.Status)
	out["missing"] = map[string]any{"code": code, "reason": status.Reason, "message": status.Message}

	// A create encoded by upstream's codec (IntOrString, resources, probes, an inlined volume source).
	maxUnavailable := intstr.FromString("50%")
	create := &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Name: "go-ds", Labels: map[string]string{"app": "go-ds"}},
		Spec: appsv1.DaemonSetSpec{
			Selector:       &metav1.LabelSelector{MatchLabels: map[string]string{"app": "go-ds"}},
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType, RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: &maxUnavailable}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "go-ds"}},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "agent", Image: "nginx:1.25.0", Ports: []corev1.ContainerPort{{ContainerPort: 9100, HostPort: 9100}},
						ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromInt32(9100)}}},
						VolumeMounts:   []corev1.VolumeMount{{Name: "logs", MountPath: "/var/log"}}}},
					Volumes:     []corev1.Volume{{Name: "logs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}}},
					Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
				},
			},
		},
	}
	code, _, data = call("POST", "/apis/apps/v1/namespaces/default/daemonsets", create)
	created := map[string]any{"code": code}
	if code == 201 {
		got := decode(data, &appsv1.DaemonSet{}).(*appsv1.DaemonSet)
		spec := got.Spec.Template.Spec
		created["name"], created["generation"] = got.Name, got.Generation
		created["maxUnavailable"] = got.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable.String()
		created["hostPath"] = spec.Volumes[0].HostPath.Path
		created["probePort"] = spec.Containers[0].ReadinessProbe.HTTPGet.Port.String()
		created["hostPort"] = spec.Containers[0].Ports[0].HostPort
		created["revisionHistoryLimit"] = *got.Spec.RevisionHistoryLimit
	} else {
		created["body"] = string(data)
	}
	out["create"] = created

	// A watch: length-delimited WatchEvent frames, each object enveloped.
	req, err := http.NewRequest("GET", base+"/apis/apps/v1/namespaces/default/daemonsets?watch=true&timeoutSeconds=2", nil)
	must(err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", pb+", application/json")
	res, err := client.Do(req)
	must(err)
	decoder := streaming.NewDecoder(framer.NewLengthDelimitedFrameReader(res.Body), protobuf.NewRawSerializer(scheme, scheme))
	events := []string{}
	for {
		var event metav1.WatchEvent
		if _, _, err := decoder.Decode(nil, &event); err != nil {
			break
		}
		obj := decode(event.Object.Raw, &appsv1.DaemonSet{}).(*appsv1.DaemonSet)
		events = append(events, event.Type+" "+obj.Name)
	}
	res.Body.Close()
	out["watch"] = map[string]any{"contentType": res.Header.Get("Content-Type"), "events": events}

	// DeleteOptions as a protobuf body.
	code, _, _ = call("DELETE", "/apis/apps/v1/namespaces/default/daemonsets/go-ds", &metav1.DeleteOptions{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DeleteOptions"}})
	out["delete"] = code

	text, err := json.Marshal(out)
	must(err)
	fmt.Println(string(text))
}
