-- Atomically applies one event to a stored approval (JSON at KEYS[1]).
-- ARGV[1]: the event as JSON: {kind = "decide" | "expire" | "park" | "cancel", ...}.
-- Returns {result, stateJson}. Only pending/parked requests change; the first decision wins.
local raw = redis.call('GET', KEYS[1])
if not raw then return {'not_found', ''} end
local state = cjson.decode(raw)
if state.status == 'decided' then return {'already_decided', raw} end
local event = cjson.decode(ARGV[1])
local approvals = state.approvals
if type(approvals) ~= 'table' or next(approvals) == nil then approvals = {} end

local function save(result)
  state.approvals = approvals
  local out = cjson.encode(state)
  redis.call('SET', KEYS[1], out, 'KEEPTTL')
  return {result, out}
end

if event.kind == 'park' then
  if state.status == 'parked' then return {'unchanged', raw} end
  state.status = 'parked'
  return save('parked')
end
if event.kind == 'expire' then
  state.status = 'decided'
  state.outcome = {status = 'expired', at = event.at}
  return save('decided')
end
if event.kind == 'cancel' then
  state.status = 'decided'
  state.outcome = {status = 'cancelled', at = event.at, by = event.by}
  return save('decided')
end

local decision = event.decision
if decision.verdict == 'deny' then
  state.status = 'decided'
  state.outcome = {status = 'denied', by = decision.by, at = decision.at, reason = decision.reason}
  return save('decided')
end
for _, approval in ipairs(approvals) do
  if approval.by.userId == decision.by.userId then return {'duplicate_approver', raw} end
end
table.insert(approvals, {by = decision.by, at = decision.at})
if #approvals >= state.request.requiredApprovals then
  state.status = 'decided'
  state.outcome = {
    status = 'approved', approvals = approvals, at = decision.at,
    editedAction = decision.editedAction, trustWindowMs = decision.trustWindowMs,
  }
  return save('decided')
end
return save('recorded')
