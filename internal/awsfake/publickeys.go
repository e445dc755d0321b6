package awsfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// PublicKey is a CloudTrail digest-signing public key, as ListPublicKeys
// returns it: Value is the DER encoding of a PKCS #1 RSAPublicKey.
type PublicKey struct {
	Fingerprint   string
	Value         []byte
	ValidityStart time.Time
	ValidityEnd   time.Time
}

// SetPublicKeys makes the server answer CloudTrail ListPublicKeys in region
// ("" for every region) with the keys whose validity overlaps the requested
// StartTime..EndTime (either may be absent), as CloudTrail does. Routes for
// ListPublicKeys, e.g. a throttling error, come first.
func (s *Server) SetPublicKeys(region string, keys []PublicKey) {
	s.addHandler(func(w http.ResponseWriter, req *request, reqID string) (int, bool) {
		if req.service != "cloudtrail" || req.operation != "ListPublicKeys" || (region != "" && req.region != region) {
			return 0, false
		}
		start, end := epoch(req.params["StartTime"]), epoch(req.params["EndTime"])
		type key struct {
			Fingerprint       string
			Value             []byte // base64 in JSON, as the wire blob
			ValidityStartTime float64
			ValidityEndTime   float64
		}
		out := struct{ PublicKeyList []key }{PublicKeyList: []key{}}
		for _, k := range keys {
			if (!start.IsZero() && k.ValidityEnd.Before(start)) || (!end.IsZero() && k.ValidityStart.After(end)) {
				continue
			}
			out.PublicKeyList = append(out.PublicKeyList, key{k.Fingerprint, k.Value,
				float64(k.ValidityStart.Unix()), float64(k.ValidityEnd.Unix())})
		}
		body, _ := json.Marshal(out)
		return writeRaw(w, req, reqID, nil, "application/x-amz-json-1.1", body), true
	})
}

// epoch parses a JSON 1.1 timestamp (epoch seconds); zero if absent.
func epoch(s string) time.Time {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(0, int64(f*1e9)).UTC()
}
