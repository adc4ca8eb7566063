-- Argo CD health check for finetune.dev/FineTuneJob.
-- Progressing while the job waits, validates, queues or trains (with step, loss and ETA);
-- Healthy once it succeeded; Degraded when it failed; Suspended while runPolicy.suspend holds it.
local hs = { status = "Progressing", message = "Waiting for the operator to report a status" }
if obj.status == nil then
  return hs
end
local status = obj.status
local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end
local phase = status.phase
local message = status.message or ""
if phase == "Succeeded" then
  hs.status = "Healthy"
  if status.result ~= nil and status.result.location ~= nil then
    hs.message = "Succeeded: " .. status.result.location
  else
    hs.message = "Succeeded" .. (message ~= "" and (": " .. message) or "")
  end
elseif phase == "Failed" then
  hs.status = "Degraded"
  hs.message = "Failed" .. (message ~= "" and (": " .. message) or "")
elseif phase == "Suspended" then
  hs.status = "Suspended"
  hs.message = message ~= "" and message or "Suspended by runPolicy.suspend"
else
  hs.status = "Progressing"
  local text = phase or "Pending"
  local p = status.progress
  if p ~= nil and p.step ~= nil and p.totalSteps ~= nil then
    text = text .. string.format(": step %d/%d", p.step, p.totalSteps)
    if p.loss ~= nil then
      -- Rounded by hand: Lua interpreters differ in string.format's precision handling.
      text = text .. ", loss " .. tostring(math.floor(p.loss * 10000 + 0.5) / 10000)
    end
    if p.eta ~= nil then
      text = text .. ", ETA " .. p.eta
    end
  elseif message ~= "" then
    text = text .. ": " .. message
  end
  hs.message = text
end
return hs
