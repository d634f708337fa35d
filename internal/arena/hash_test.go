package arena

import (
	"reflect"
	"testing"
)

// fullWorld has at least one of everything.
func fullWorld(t testing.TB) *World {
	t.Helper()
	w := New(DefaultConfig(), 42)
	addShip(t, w, 1, Vec{px(1000), px(1000)}, 0)
	addShip(t, w, 2, Vec{px(2000), px(1000)}, 0)
	w.Step([]PlayerInput{{1, Fire}}, nil)
	if len(w.Ships) == 0 || len(w.Bullets) == 0 || len(w.Asteroids) == 0 || len(w.Pickups) == 0 {
		t.Fatalf("world lacks something: %+v", w)
	}
	return w
}

// leaves calls f with every integer or bool field reachable from v,
// including those of each slice's first element.
func leaves(v reflect.Value, path string, f func(path string, v reflect.Value)) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			leaves(v.Field(i), path+"."+v.Type().Field(i).Name, f)
		}
	case reflect.Slice:
		if v.Len() > 0 {
			leaves(v.Index(0), path+"[0]", f)
		}
	default:
		f(path, v)
	}
}

func TestHashCoversEveryField(t *testing.T) {
	w := fullWorld(t)
	base := w.Hash()
	n := 0
	leaves(reflect.ValueOf(w).Elem(), "World", func(path string, v reflect.Value) {
		n++
		switch v.Kind() {
		case reflect.Bool:
			v.SetBool(!v.Bool())
			defer v.SetBool(!v.Bool())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			v.SetInt(v.Int() ^ 1)
			defer v.SetInt(v.Int() ^ 1)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			v.SetUint(v.Uint() ^ 1)
			defer v.SetUint(v.Uint() ^ 1)
		default:
			t.Errorf("%s: a %s field the test does not know", path, v.Kind())
			return
		}
		if w.Hash() == base {
			t.Errorf("changing %s does not change the hash", path)
		}
	})
	if w.Hash() != base {
		t.Fatalf("the test did not restore the world")
	}
	if n < 50 {
		t.Errorf("visited only %d fields", n)
	}
}

func TestHashCountsLengths(t *testing.T) {
	w := fullWorld(t)
	base := w.Hash()
	w.Pickups = w.Pickups[:len(w.Pickups)-1]
	if w.Hash() == base {
		t.Errorf("dropping a pickup does not change the hash")
	}
}

func TestCloneIsIndependent(t *testing.T) {
	w := fullWorld(t)
	before := w.Hash()
	c := w.Clone()
	if c.Hash() != before {
		t.Fatalf("clone hash %x, want %x", c.Hash(), before)
	}
	c.Ships[0].Pos.X++
	c.Bullets[0].TTL++
	c.Asteroids[0].Health++
	c.Pickups[0].Kind++
	c.Step([]PlayerInput{{1, Thrust}}, nil)
	c.Join(50, false)
	if w.Hash() != before {
		t.Errorf("changing the clone changed the original")
	}
	if !reflect.DeepEqual(w.Clone(), w) {
		t.Errorf("a fresh clone is not deeply equal to its original")
	}
}

func TestCopyTo(t *testing.T) {
	w := fullWorld(t)
	other := New(DefaultConfig(), 9)
	other.Join(7, false)
	steps(other, 5)
	w.CopyTo(other)
	if other.Hash() != w.Hash() {
		t.Fatalf("copy hash %x, want %x", other.Hash(), w.Hash())
	}
	other.Ships[0].Stats.Kills = 77
	if w.Ships[0].Stats.Kills == 77 {
		t.Errorf("the copy shares its ships with the original")
	}
	if allocs := testing.AllocsPerRun(100, func() { w.CopyTo(other) }); allocs != 0 {
		t.Errorf("CopyTo allocated %.0f times with enough capacity, want 0", allocs)
	}
}
