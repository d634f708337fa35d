package art

import (
	"strings"
	"testing"
)

func TestParseGlyph(t *testing.T) {
	tests := []struct {
		design  string
		wantErr string // "" for none
	}{
		{"", ""},
		{"#.#.# .#.#.", ""},
		{"#.#.", "row 0 is 4 wide"},
		{"##### ..x..", `row 1 has 'x'`},
		{strings.Repeat("..... ", GlyphH+1), "rows, want at most"},
	}
	for _, tt := range tests {
		bits, err := parseGlyph(tt.design)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("parseGlyph(%q): %v", tt.design, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parseGlyph(%q) error = %v, want one saying %q", tt.design, err, tt.wantErr)
		}
		if tt.design == "#.#.# .#.#." && (!bits[0][0] || bits[0][1] || !bits[1][1] || bits[2][0]) {
			t.Errorf("parseGlyph(%q) = %v: pixels in the wrong places", tt.design, bits[:3])
		}
	}
}

func TestFontAtlasBuilds(t *testing.T) {
	img, err := fontAtlas()
	if err != nil {
		t.Fatal(err)
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != FontColumns*CellW || h%CellH != 0 || h/CellH*FontColumns < len(glyphs) {
		t.Errorf("atlas %dx%d cannot hold %d %dx%d cells %d to a row", w, h, len(glyphs), CellW, CellH, FontColumns)
	}
}
