const root=process.argv[2], on=process.argv[3]==='on', warm=process.argv[4]
const t0=performance.now()
import('vite').then(async ({build})=>{
  const t1=performance.now()
  const plugins=on?[require('/work/main/npm/vite.js')()]:[]
  const t2=performance.now()
  await build({root,configFile:false,logLevel:'silent',plugins,build:{outDir:'/tmp/vh/out3',emptyOutDir:true}})
  const t3=performance.now()
  console.log(on?'on ':'off', 'import', (t1-t0).toFixed(0), 'plugin', (t2-t1).toFixed(0), 'build', (t3-t2).toFixed(0))
})
