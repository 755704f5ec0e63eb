-- Atomically applies one event to a stored approval (JSON at KEYS[1]).
-- ARGV[1]: the event as JSON: {kind = "decide" | "expire" | "park" | "cancel", ...}.
-- Returns {result, stateJson}. Only pending/parked requests change; the first decision wins.
-- Votes are bound to versions of the action: an approval names the version its voter saw
-- and is refused as stale when the card shows a newer one; an edit adds a version that
-- carries the editor's vote; only distinct voters of the latest version make its quorum.
-- An edit of a plan is a single action: the new version has no plan.
local raw = redis.call('GET', KEYS[1])
if not raw then return {'not_found', ''} end
local state = cjson.decode(raw)
if state.status == 'decided' then return {'already_decided', raw} end
local event = cjson.decode(ARGV[1])
local approvals = state.approvals
if type(approvals) ~= 'table' or next(approvals) == nil then approvals = {} end
local versions = state.versions
local current = versions[#versions]

local function save(result)
  state.approvals = approvals
  state.versions = versions
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
-- Deny wins: one permitted "no" ends the request, whatever version its author saw.
if decision.verdict == 'deny' then
  state.status = 'decided'
  state.outcome = {status = 'denied', by = decision.by, at = decision.at, reason = decision.reason}
  return save('decided')
end

local function votesFor(number)
  local seen, list = {}, {}
  for _, vote in ipairs(approvals) do
    if vote.version == number and not seen[vote.by.userId] then
      seen[vote.by.userId] = true
      table.insert(list, vote)
    end
  end
  return list
end

-- A plan runs no further than the most cautious voter's "approve through step k".
local function throughOf(votes)
  if current.plan == nil then return nil end
  local through = #current.plan
  for _, vote in ipairs(votes) do
    if type(vote.through) == 'number' and vote.through < through then through = vote.through end
  end
  return through
end

-- Steps any voter held back are asked about on their own, whoever else approved them.
local function holdBackOf(votes)
  if current.plan == nil then return nil end
  local held, list = {}, {}
  for _, vote in ipairs(votes) do
    if type(vote.holdBack) == 'table' then
      for _, position in ipairs(vote.holdBack) do
        if not held[position] then held[position] = true; table.insert(list, position) end
      end
    end
  end
  table.sort(list)
  if #list == 0 then return nil end
  return list
end

local function decideIfQuorum(result)
  local votes = votesFor(current.number)
  if #votes >= current.requiredApprovals then
    state.status = 'decided'
    state.outcome = {
      status = 'approved', version = current.number, action = current.action,
      fingerprint = current.fingerprint, approvals = votes, at = decision.at,
      plan = current.plan, through = throughOf(votes), holdBack = holdBackOf(votes),
    }
    return save('decided')
  end
  return save(result)
end

if decision.verdict == 'edit' then
  if decision.basedOn ~= current.number then return {'stale_version', raw} end
  current = {
    number = current.number + 1, action = decision.action, fingerprint = decision.fingerprint,
    requiredApprovals = decision.requiredApprovals, at = decision.at, editedBy = decision.by,
    ruleId = decision.ruleId,
  }
  table.insert(versions, current)
  table.insert(approvals, {by = decision.by, at = decision.at, version = current.number})
  return decideIfQuorum('edited')
end

if decision.version ~= current.number then return {'stale_version', raw} end
for _, vote in ipairs(approvals) do
  if vote.version == current.number and vote.by.userId == decision.by.userId then
    return {'duplicate_approver', raw}
  end
end
table.insert(approvals, {
  by = decision.by, at = decision.at, version = current.number,
  trustWindowMs = decision.trustWindowMs, through = decision.through, grant = decision.grant,
  holdBack = decision.holdBack,
})
return decideIfQuorum('recorded')
