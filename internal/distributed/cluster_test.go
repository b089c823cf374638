package distributed

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// freePorts finds n free loopback ports for the cluster's routes, which
// every node must know before it starts.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		defer l.Close()
	}
	return ports
}

// startCluster runs a 3-node JetStream cluster in this process.
func startCluster(t *testing.T) []*server.Server {
	t.Helper()
	ports := freePorts(t, 3)
	var routes []string
	for _, p := range ports {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", p))
	}
	var nodes []*server.Server
	for i, p := range ports {
		opts := &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: server.RANDOM_PORT,
			JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true,
			Cluster: server.ClusterOpts{Name: "ltb", Host: "127.0.0.1", Port: p},
			Routes:  server.RoutesFromStr(strings.Join(routes, ",")),
		}
		s, err := server.NewServer(opts)
		if err != nil {
			t.Fatal(err)
		}
		go s.Start()
		nodes = append(nodes, s)
		t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	}
	for _, s := range nodes {
		if !s.ReadyForConnections(10 * time.Second) {
			t.Fatal("cluster node not ready")
		}
	}
	return nodes
}

// A 3-node cluster loses the leader of the work queue mid-run: clients
// move to the other nodes, and every case still ends with one result. It
// takes about 35 s (elections, ack waits, shutting the nodes down): set
// LTB_NATS_CLUSTER=1 to run it (make cluster).
func TestClusterLosesItsLeader(t *testing.T) {
	if os.Getenv("LTB_NATS_CLUSTER") != "1" {
		t.Skip("set LTB_NATS_CLUSTER=1 to run the 3-node cluster test")
	}
	t.Parallel()
	start := time.Now()
	nodes := startCluster(t)
	var urls []string
	for _, s := range nodes {
		urls = append(urls, s.ClientURL())
	}
	url := strings.Join(urls, ",")
	nc, err := nats.Connect(url, nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := Settings{AckWait: time.Second, Replicas: 3}
	// The meta leader is elected a few seconds after start.
	for {
		tctx, tcancel := context.WithTimeout(ctx, 2*time.Second)
		_, err = NewCoordinator(tctx, nc, s, nil)
		tcancel()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no coordinator on the cluster: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("coordinator ready after %v", time.Since(start).Round(time.Millisecond))
	startWorker(t, url, "w1", &fakeProvider{delay: 20 * time.Millisecond}, 4)
	startWorker(t, url, "w2", &fakeProvider{delay: 20 * time.Millisecond}, 4)
	js, _ := jetstream.New(nc)
	const n = 300
	done := make(chan []bench.Result, 1)
	go func() {
		got, _ := coordinate(ctx, t, nc, s, "run-cluster", n)
		done <- got
	}()
	// Once the run is under way, shut the work queue's leader down.
	time.Sleep(400 * time.Millisecond)
	st, err := js.Stream(ctx, TasksStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil || info.Cluster == nil {
		t.Fatalf("stream info: %+v %v", info, err)
	}
	for _, node := range nodes {
		if node.Name() == info.Cluster.Leader {
			node.Shutdown()
		}
	}
	t.Logf("leader %s shut down after %v, with %d jobs queued", info.Cluster.Leader, time.Since(start).Round(time.Millisecond), info.State.Msgs)
	select {
	case got := <-done:
		t.Logf("run finished after %v", time.Since(start).Round(time.Millisecond))
		for id, c := range byCase(got) {
			if c != 1 {
				t.Errorf("case %s: %d results", id, c)
			}
		}
		if len(got) != n {
			t.Fatalf("%d results, want %d", len(got), n)
		}
		for _, r := range got {
			if r.Status != bench.StatusSuccess {
				t.Errorf("%s: %s %+v", r.CaseID, r.Status, r.Error)
			}
		}
	case <-ctx.Done():
		t.Fatal("the run did not finish after the leader was lost")
	}
}
