// Writes a deputies' roster of N rows as an .xlsx (the import template's columns), for the
// import benchmark: node bench/make-roster.mjs N FILE [TOWNSHIP]
import { deflateRawSync, crc32 } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const n = Number(process.argv[2] || 10000);
const file = process.argv[3] || 'roster.xlsx';
const town = process.argv[4] || '329981101';
const header = ['姓名', '性别', '民族', '出生日期', '政治面貌', '学历', '代表构成类别', '工作单位', '职务',
  '联系电话', '身份证号码', '所属区划代码', '代表层级', '届次', '人大所在区划代码', '选区', '当选日期'];
const surnames = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜';
const given = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国';

function idNumber(birth, male, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s = '329971' + birth.replaceAll('-', '') + String(seq % 100).padStart(2, '0') + (male ? '1' : '2');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * w[i];
  return s + '10X98765432'[sum % 11];
}

const rows = [header];
for (let i = 0; i < n; i++) {
  const male = i % 3 !== 0;
  // distinct birth dates keep the ID numbers unique
  const d = new Date(Date.UTC(1960, 0, 1) + (i % 12000) * 86400000 + Math.floor(i / 12000) * 3 * 86400000);
  const birth = d.toISOString().slice(0, 10);
  rows.push([surnames[i % surnames.length] + given[(i * 7) % given.length] + given[(i * 13) % given.length],
    male ? '男' : '女', '汉族', birth, i % 4 ? '中共党员' : '群众', '大学本科', ['工人', '农民', '专业技术人员', '党政干部', '其他'][i % 5],
    '示范市某单位', '职员', '139' + String(10000000 + i).slice(-8), idNumber(birth, male, Math.floor(i / 12000) + 50),
    town, '乡镇', '18', town, `第${(i % 30) + 1}选区`, '2021-11-20']);
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const col = (i) => String.fromCharCode(65 + i);
const sheet = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
  + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
  + rows.map((r, ri) => `<row r="${ri + 1}">` + r.map((v, ci) =>
    `<c r="${col(ci)}${ri + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('') + '</row>').join('')
  + '</sheetData></worksheet>';
const files = {
  '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
  '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="代表名册" sheetId="1" r:id="rId1"/></sheets></workbook>',
  'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  'xl/worksheets/sheet1.xml': sheet,
};

// A ZIP with deflated entries: local headers, data, central directory, end record.
const parts = [], central = [];
let offset = 0;
for (const [name, text] of Object.entries(files)) {
  const data = Buffer.from(text), comp = deflateRawSync(data), nameBuf = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6);
  local.writeUInt16LE(8, 8); local.writeUInt32LE(crc, 14); local.writeUInt32LE(comp.length, 18);
  local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBuf.length, 26);
  const cen = Buffer.alloc(46);
  cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(0x0800, 8);
  cen.writeUInt16LE(8, 10); cen.writeUInt32LE(crc, 16); cen.writeUInt32LE(comp.length, 20);
  cen.writeUInt32LE(data.length, 24); cen.writeUInt16LE(nameBuf.length, 28); cen.writeUInt32LE(offset, 42);
  parts.push(local, nameBuf, comp);
  central.push(cen, nameBuf);
  offset += 30 + nameBuf.length + comp.length;
}
const cenSize = central.reduce((a, b) => a + b.length, 0);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8);
end.writeUInt16LE(Object.keys(files).length, 10); end.writeUInt32LE(cenSize, 12); end.writeUInt32LE(offset, 16);
writeFileSync(file, Buffer.concat([...parts, ...central, end]));
console.log(`${file}: ${n} rows`);
