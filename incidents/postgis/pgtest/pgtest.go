// Package pgtest starts throw-away PostgreSQL clusters with PostGIS for
// tests: initdb in a temporary directory, a server on a loopback port, no
// system service. As root, the cluster runs as the user postgres. Tests
// skip, saying why, only when the server programs are absent (.ci/run
// installs them).
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Bin returns the directory of the PostgreSQL server programs (initdb,
// pg_ctl, pg_basebackup), or "" when they are not installed.
func Bin() string {
	if dir := os.Getenv("MAPD_PGBIN"); dir != "" {
		return dir
	}
	// Debian's server programs; initdb on PATH may be a lone wrapper.
	if found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb"); len(found) > 0 {
		slices.Sort(found)
		return filepath.Dir(found[len(found)-1])
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

// Cluster is a running throw-away PostgreSQL server.
type Cluster struct {
	bin, dir, data string
	Host           string
	Port           int
	asUser         []string // runuser prefix when running as root
	dbs            atomic.Int64
	stopped        bool
}

// Start starts a cluster for the test (and its subtests) and stops it when
// the test ends. It skips the test when PostgreSQL is not installed.
func Start(t testing.TB) *Cluster {
	t.Helper()
	c, err := start(Bin())
	if err != nil {
		if strings.Contains(err.Error(), errNotInstalled) {
			t.Skipf("pgtest: %v", err)
		}
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}

const errNotInstalled = "PostgreSQL server programs not found"

func start(bin string) (*Cluster, error) {
	if bin == "" {
		return nil, fmt.Errorf("%s (apt-get install postgresql postgis, or set MAPD_PGBIN)", errNotInstalled)
	}
	if _, err := os.Stat("/usr/share/postgresql"); err == nil {
		if m, _ := filepath.Glob("/usr/share/postgresql/*/extension/postgis.control"); len(m) == 0 {
			return nil, fmt.Errorf("%s: PostGIS is missing (apt-get install postgis)", errNotInstalled)
		}
	}
	dir, err := os.MkdirTemp("", "mapd-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir, data: filepath.Join(dir, "data"), Host: "127.0.0.1"}
	if err := c.own(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.run("initdb", "-D", c.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w", err)
	}
	conf := "\nwal_level = replica\nmax_wal_senders = 10\nhot_standby = on\nfsync = off\nfull_page_writes = off\nsynchronous_commit = off\njit = off\nmax_connections = 200\nshared_buffers = 128MB\n"
	if err := appendFile(filepath.Join(c.data, "postgresql.conf"), conf); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := appendFile(filepath.Join(c.data, "pg_hba.conf"), "\nhost replication all 127.0.0.1/32 trust\n"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.startServer(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// own gives path to the user postgres when running as root.
func (c *Cluster) own(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs the user postgres (apt-get install postgresql creates it): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		return err
	}
	c.asUser = []string{"runuser", "-u", "postgres", "--"}
	return nil
}

func appendFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// startServer starts the server on a free loopback port.
func (c *Cluster) startServer() error {
	var err error
	for range 5 { // another process may take the port between the probe and the start
		if c.Port == 0 {
			c.Port, err = freePort()
			if err != nil {
				return err
			}
		}
		opts := fmt.Sprintf("-c listen_addresses=%s -c port=%d -c unix_socket_directories=%s", c.Host, c.Port, c.dir)
		if err = c.run("pg_ctl", "-D", c.data, "-l", filepath.Join(c.dir, "server.log"), "-o", opts, "-w", "-t", "60", "start"); err == nil {
			c.stopped = false
			return nil
		}
		c.Port = 0
	}
	log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	return fmt.Errorf("pg_ctl start: %w\n%s", err, log)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run runs one of the server programs as the cluster's owner.
func (c *Cluster) run(prog string, args ...string) error {
	argv := append(slices.Clone(c.asUser), filepath.Join(c.bin, prog))
	argv = append(argv, args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = os.TempDir() // the postgres user may not enter the current directory
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", prog, err, out)
	}
	return nil
}

// URL returns the connection URL of database db on the cluster.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@%s:%d/%s?sslmode=disable", c.Host, c.Port, db)
}

// NewDatabase creates an empty database (with PostGIS available but not
// created) and returns its URL.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("mapd_test_%d", c.dbs.Add(1))
	if err := c.Exec(context.Background(), "postgres", "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	return c.URL(name)
}

// Exec runs SQL in database db.
func (c *Cluster) Exec(ctx context.Context, db, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL(db))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// Stop stops the server (fast shutdown) and removes the cluster's files.
func (c *Cluster) Stop() {
	c.Halt()
	os.RemoveAll(c.dir)
}

// Halt stops the server, keeping its files; Restart starts it again on
// the same port. It reports what stopped the stop, if anything.
func (c *Cluster) Halt() error {
	if c.stopped {
		return nil
	}
	if err := c.run("pg_ctl", "-D", c.data, "-m", "fast", "-w", "-t", "60", "stop"); err != nil {
		// A fast stop waits for the clients' sessions; an immediate one
		// does not (crash recovery at the next start).
		if err := c.run("pg_ctl", "-D", c.data, "-m", "immediate", "-w", "-t", "60", "stop"); err != nil {
			return err
		}
	}
	c.stopped = true
	return nil
}

// Restart starts a halted server again on the same port.
func (c *Cluster) Restart(t testing.TB) {
	t.Helper()
	if err := c.startServer(); err != nil {
		t.Fatal(err)
	}
}

// Replica starts a streaming replica of c made with pg_basebackup -R, and
// stops it when the test ends.
func (c *Cluster) Replica(t testing.TB) *Cluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "mapd-pg-replica-")
	if err != nil {
		t.Fatal(err)
	}
	r := &Cluster{bin: c.bin, dir: dir, data: filepath.Join(dir, "data"), Host: c.Host}
	if err := r.own(dir); err != nil {
		t.Fatal(err)
	}
	if err := r.run("pg_basebackup", "-h", c.Host, "-p", strconv.Itoa(c.Port), "-U", "postgres", "-D", r.data, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	if err := r.startServer(); err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}
