-- Runs the root script of FOH's TouchOSC layout (control/touchosc/foh.tosc) against a small stand-in for TouchOSC's
-- script API, through a fixed scenario, and prints what happens for touchosc_layout.sh to check:
--   step NAME                      a scenario step begins
--   find NAME                      the script looked a control up (self:findByName(NAME, true))
--   send PATH TAGS ARG... conn=C   sendOSC({ PATH, ARGS }, CONNECTIONS); TAGS "-" for none, C the connections
--   text NAME TEXT                 a control's text value changed (the status line)
-- The stand-in: getMillis() is the scenario's clock; every control exists, with values x = 0, touch = false and
-- text = '' (touchosc_check.py checks the looked-up names against the document). TouchOSC calls init() once, update()
-- every frame and onReceiveOSC(message, connections) for every message received, the root first.
-- Usage: lua5.1 touchosc_root.lua ROOT_SCRIPT.lua

local now = 0
local controls, shown = {}, {}

local function control(name)
  if not controls[name] then controls[name] = { name = name, values = { x = 0, touch = false, text = '' } } end
  return controls[name]
end

self = {}
function self:findByName(name, recursive)
  print('find ' .. name)
  assert(recursive == true, 'findByName(' .. name .. ') must search recursively: the controls are on the pages')
  return control(name)
end

function getMillis() return now end

function sendOSC(message, connections)
  local line, tags, args = { 'send', message[1] }, '', message[2] or {}
  for i = 1, #args do tags = tags .. args[i].tag end
  line[#line + 1] = tags == '' and '-' or tags
  for i = 1, #args do line[#line + 1] = tostring(args[i].value) end
  local on = {}
  for i = 1, 10 do if connections and connections[i] then on[#on + 1] = tostring(i) end end
  line[#line + 1] = 'conn=' .. (connections and table.concat(on, ',') or 'all')
  print(table.concat(line, ' '))
end

local function step(name)
  print('step ' .. name)
end

local function frame(ms)
  now = ms
  update()
  for name, c in pairs(controls) do
    if c.values.text ~= (shown[name] or '') then
      shown[name] = c.values.text
      print('text ' .. name .. ' ' .. c.values.text)
    end
  end
end

local function receive(path, args, connections)
  onReceiveOSC({ path, args or {} }, connections or { true, false, false, false, false })
end

local function s(v) return { tag = 's', value = v } end
local function f(v) return { tag = 'f', value = v } end

assert(loadfile(arg[1]))()

step('start')            -- the document opens: subscribe, ask for the role and the meters
init()
frame(0)

step('role')             -- fohd answers /role
receive('/role', { s('admin') })
frame(600)

step('push')             -- another client moved channel 1: ask for the position the fader shows
receive('/ch/1/fader', { f(-6) })
frame(700)

step('touched')          -- a finger is on the fader: its own position wins, nothing is asked
control('ch1_fader').values.touch = true
receive('/ch/1/fader', { f(-5) })
frame(800)

step('released')         -- the finger is off: ask once
control('ch1_fader').values.touch = false
frame(900)

step('refused')          -- fohd refused a mute: ask for it again (the button snaps back) and say why
receive('/error', { s('/ch/2/mute'), s('not permitted for role read-only') })
frame(1200)

step('other-errors')     -- an error about something no control sends (fohd without meters) changes nothing
receive('/error', { s('/meters'), s('no such parameter') })
frame(1300)

step('other-connection') -- messages on another connection are not fohd's
receive('/ch/1/fader', { f(-3) }, { false, true })
frame(1400)

step('renew')            -- 15 s on, fohd heard recently: renew the meters and the role, no full state again
frame(15000)

step('silent')           -- nothing from fohd for 20 s (it restarted, the network dropped): subscribe again
frame(30000)
