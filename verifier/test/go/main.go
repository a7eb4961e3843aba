// Command xcheck answers cross-check cases with the Go checksum database's own implementation of RFC 6962 trees
// (golang.org/x/mod/sumdb/tlog) and signed notes (golang.org/x/mod/sumdb/note). It reads one JSON object on
// stdin, {"leaves": [base64 record data], "cases": [...]}, and prints one JSON result per case, in order.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	Leaves []string `json:"leaves"`
	Cases  []tcase  `json:"cases"`
}

type tcase struct {
	Op    string   `json:"op"`
	Size  int64    `json:"size"`
	Index int64    `json:"index"`
	From  int64    `json:"from"`
	Proof []string `json:"proof"`
	Root  string   `json:"root"`
	// For checkTree: the root of the tree of size From.
	FromRoot string `json:"fromRoot"`
	Note     string `json:"note"`
	Vkey     string `json:"vkey"`
}

type result struct {
	Ok     bool     `json:"ok"`
	Root   string   `json:"root,omitempty"`
	Proof  []string `json:"proof,omitempty"`
	Text   string   `json:"text,omitempty"`
	Signer []string `json:"signers,omitempty"`
	Error  string   `json:"error,omitempty"`
}

func decode(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("bad hash %q", s)
	}
	copy(h[:], b)
	return h, nil
}

func decodeAll(ss []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		h, err := decode(s)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

func encodeAll(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "xcheck: reading input:", err)
		os.Exit(2)
	}
	// The stored hashes of the whole tree, as the checksum database keeps them.
	var stored []tlog.Hash
	records := make([][]byte, len(in.Leaves))
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, s := range in.Leaves {
		data, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			fmt.Fprintln(os.Stderr, "xcheck: leaf", i, err)
			os.Exit(2)
		}
		records[i] = data
		hashes, err := tlog.StoredHashes(int64(i), data, reader)
		if err != nil {
			fmt.Fprintln(os.Stderr, "xcheck: storing leaf", i, err)
			os.Exit(2)
		}
		stored = append(stored, hashes...)
	}

	out := json.NewEncoder(os.Stdout)
	for _, c := range in.Cases {
		var r result
		var err error
		switch c.Op {
		case "root":
			var h tlog.Hash
			h, err = tlog.TreeHash(c.Size, reader)
			r.Root = base64.StdEncoding.EncodeToString(h[:])
		case "proveRecord":
			var p tlog.RecordProof
			p, err = tlog.ProveRecord(c.Size, c.Index, reader)
			r.Proof = encodeAll(p)
		case "proveTree":
			var p tlog.TreeProof
			p, err = tlog.ProveTree(c.Size, c.From, reader)
			r.Proof = encodeAll(p)
		case "checkRecord":
			var p []tlog.Hash
			var root tlog.Hash
			if p, err = decodeAll(c.Proof); err == nil {
				if root, err = decode(c.Root); err == nil {
					err = tlog.CheckRecord(p, c.Size, root, c.Index, tlog.RecordHash(records[c.Index]))
				}
			}
		case "checkTree":
			var p []tlog.Hash
			var root, fromRoot tlog.Hash
			if p, err = decodeAll(c.Proof); err == nil {
				if root, err = decode(c.Root); err == nil {
					if fromRoot, err = decode(c.FromRoot); err == nil {
						err = tlog.CheckTree(p, c.Size, root, c.From, fromRoot)
					}
				}
			}
		case "openNote":
			var v note.Verifier
			if v, err = note.NewVerifier(c.Vkey); err == nil {
				var n *note.Note
				if n, err = note.Open([]byte(c.Note), note.VerifierList(v)); err == nil {
					r.Text = n.Text
					for _, s := range n.Sigs {
						r.Signer = append(r.Signer, s.Name)
					}
				}
			}
		default:
			err = fmt.Errorf("unknown op %q", c.Op)
		}
		r.Ok = err == nil
		if err != nil {
			r.Error = err.Error()
		}
		if err := out.Encode(r); err != nil {
			os.Exit(2)
		}
	}
}
