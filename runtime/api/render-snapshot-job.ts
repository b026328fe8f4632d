/**
 * A job in the shape the SDKs parse (spec section 4): PascalCase keys, every scalar a string,
 * wrapper objects for lists, absent fields left out rather than sent empty.
 */
import type { MnsMessageResult, OssObjectRef, SnapshotConfig, SnapshotJob, TileOutConfig } from '../core/model';

type Wire = Record<string, unknown>;

export function toWireSnapshotJob(job: SnapshotJob): Record<string, unknown> {
  return compact({
    Id: job.id,
    State: job.state,
    Code: job.code,
    Message: job.message,
    Count: str(job.count),
    TileCount: str(job.tileCount),
    Input: wireObject(job.request.input),
    SnapshotConfig: wireConfig(job.request.config),
    PipelineId: job.request.pipelineId,
    UserData: job.request.userData,
    CreationTime: job.creationTime,
    MNSMessageResult: job.mnsMessageResult ? wireMnsResult(job.mnsMessageResult) : undefined,
  });
}

/** `Object` is echoed as the client sent it (usually URL-encoded), not the decoded key. */
function wireObject(ref: OssObjectRef): Wire {
  return compact({ Bucket: ref.bucket, Location: ref.location, Object: ref.rawObject, RoleArn: ref.roleArn });
}

/** Format, SubOut, BlackLevel and PixelBlackThreshold are not part of the SDK's response model. */
function wireConfig(c: SnapshotConfig): Wire {
  return compact({
    OutputFile: wireObject(c.outputFile),
    TileOutputFile: c.tileOutputFile ? wireObject(c.tileOutputFile) : undefined,
    TileOut: c.tileOut ? wireTileOut(c.tileOut) : undefined,
    Time: str(c.timeMs),
    Interval: str(c.intervalSec),
    Num: str(c.num),
    Width: str(c.width),
    Height: str(c.height),
    FrameType: c.frameType,
    // The one numeric list in the model (`TimePointList: number[]`).
    TimeArray: c.timeArrayMs ? { TimePointList: [...c.timeArrayMs] } : undefined,
  });
}

function wireTileOut(t: TileOutConfig): Wire {
  return compact({
    Lines: str(t.lines),
    Columns: str(t.columns),
    CellWidth: str(t.cellWidth),
    CellHeight: str(t.cellHeight),
    Padding: str(t.padding),
    Margin: str(t.margin),
    Color: t.color,
    IsKeepCellPic: String(t.isKeepCellPic),
    CellSelStep: str(t.cellSelStep),
  });
}

function wireMnsResult(r: MnsMessageResult): Wire {
  return compact({ MessageId: r.messageId, ErrorCode: r.errorCode, ErrorMessage: r.errorMessage });
}

function str(n: number | undefined): string | undefined {
  return n === undefined ? undefined : String(n);
}

function compact(obj: Wire): Wire {
  const out: Wire = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}
