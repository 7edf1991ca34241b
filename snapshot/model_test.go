package snapshot

import "testing"

func TestAuditSession(t *testing.T) {
	id := func(v uint32) *uint32 { return &v }
	for _, c := range []struct {
		name   string
		id     *uint32
		want   uint32
		wantOK bool
	}{
		{"not read", nil, 0, false},
		{"never set", id(AuditUnset), 0, false},
		{"session 0", id(0), 0, true},
		{"session 4", id(4), 4, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := Process{AuditSessionID: c.id}
			if got, ok := p.AuditSession(); got != c.want || ok != c.wantOK {
				t.Errorf("AuditSession() = %d, %v, want %d, %v", got, ok, c.want, c.wantOK)
			}
		})
	}
}
