package main

import (
	"context"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Health is Argo CD's verdict on one object.
type Health struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// The statuses Argo CD accepts from a script; it turns any other into Unknown.
var validStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true,
}

// evaluate runs a health script on obj as Argo CD runs one from argocd-cm: a fresh gopher-lua state with only the
// package, base and table libraries (no string, math or io), one second to finish, the object in the global obj.
// Argo CD also opens a restricted os library; our checks do not use it, so a script that did fails here first.
func evaluate(obj *unstructured.Unstructured, script string) (Health, error) {
	state := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer state.Close()
	for name, open := range map[string]lua.LGFunction{
		lua.LoadLibName: lua.OpenPackage, lua.BaseLibName: lua.OpenBase, lua.TabLibName: lua.OpenTable,
	} {
		if err := state.CallByParam(lua.P{Fn: state.NewFunction(open), Protect: true}, lua.LString(name)); err != nil {
			return Health{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	state.SetContext(ctx)
	state.SetGlobal("obj", toLua(state, obj.Object))
	if err := state.DoString(script); err != nil {
		return Health{}, err
	}
	return verdict(state.Get(-1))
}

// verdict reads the script's result the way Argo CD does: nothing returned or an empty table is no verdict, a
// status outside validStatuses is Unknown.
func verdict(result lua.LValue) (Health, error) {
	if result == lua.LNil {
		return Health{}, nil
	}
	table, ok := result.(*lua.LTable)
	if !ok {
		return Health{}, fmt.Errorf("expect table output from Lua script, not %s", result.Type())
	}
	if key, _ := table.Next(lua.LNil); key == lua.LNil {
		return Health{}, nil
	}
	status, err := field(table, "status")
	if err != nil {
		return Health{}, err
	}
	message, err := field(table, "message")
	if err != nil {
		return Health{}, err
	}
	if !validStatuses[status] {
		return Health{Status: "Unknown", Message: "Lua returned an invalid health status"}, nil
	}
	return Health{Status: status, Message: message}, nil
}

func field(table *lua.LTable, name string) (string, error) {
	switch value := table.RawGetString(name).(type) {
	case lua.LString:
		return string(value), nil
	case *lua.LNilType:
		return "", nil
	default:
		return "", fmt.Errorf("the script's %s is a %s, not a string", name, value.Type())
	}
}

// toLua converts the object's JSON tree: maps to tables, lists to tables indexed from 1, numbers to numbers.
func toLua(state *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case map[string]any:
		table := state.CreateTable(0, len(v))
		for key, item := range v {
			table.RawSetString(key, toLua(state, item))
		}
		return table
	case []any:
		table := state.CreateTable(len(v), 0)
		for _, item := range v {
			table.Append(toLua(state, item))
		}
		return table
	case string:
		return lua.LString(v)
	case bool:
		return lua.LBool(v)
	case int64:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	}
	return lua.LNil
}
